"""The engine tier: the real Pulumi CLI, a stand-in aws plugin over moto, the stand-in tctl."""
