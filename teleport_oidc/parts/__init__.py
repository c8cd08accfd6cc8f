"""The steps :class:`~teleport_oidc.component.AwsOidcIntegration` is built from, one module each,
in the order the component takes them: ``cluster`` (issuer, cluster name, tags), ``boundary``,
``account`` (account and partition), ``oidc_provider``, ``role``, ``feature_policies``,
``teleport_side``. Each takes the checked inputs and what earlier steps made; none imports the
component."""
