"""What ``plan`` prints when a review is involved: ``--state`` or ``--format json|markdown``.

- text with ``--state``: each resource's mark (:func:`.statediff.render_changes`);
- markdown: the review (:mod:`.review_markdown`), against ``--state`` or, without it, with
  everything new;
- json: without ``--state`` the plan document, with the review under ``review``; with it,
  ``{"changes": [...marks...], "review": {...}}``.
"""

from __future__ import annotations

import json

from .export import StoredState
from .plan import Plan, render_json
from .review import build_review, review_json
from .review_diagram import mermaid
from .review_markdown import render_markdown
from .statediff import compare, render_changes

__all__ = ["write_plan_output"]


def write_plan_output(plan: Plan, state: StoredState | None, output_format: str) -> str:
    changes = compare(plan.recorded.resources, state or StoredState({}, {}))
    if output_format == "text":
        return render_changes(changes)
    review = build_review(
        plan.project, plan.stack, plan.recorded.resources, changes, state, plan.recorded.warnings
    )
    if output_format == "markdown":
        return render_markdown(review)
    data = review_json(review, mermaid(review))
    if state is None:
        document = json.loads(render_json(plan))
        document["review"] = data
    else:
        document = {"changes": json.loads(render_changes(changes, as_json=True)), "review": data}
    return json.dumps(document, indent=2) + "\n"
