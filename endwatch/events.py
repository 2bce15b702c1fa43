"""Signals between domains, so that no domain reaches into another's internals."""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

# sender: the Session; kwargs: customer_ids (list[int]). Sent after customers are added or changed.
customers_changed = signals.signal("customers-changed")
# sender: the Session; kwargs: customer_ids (list[int]). Sent after deployments of these customers are added
# or change status (a deployments import, a safeguard action taking effect).
deployments_changed = signals.signal("deployments-changed")
# sender: the Session; kwargs: action_id (int). Sent when an enforcement action takes effect.
safeguard_action_approved = signals.signal("safeguard-action-approved")
# sender: the Session; kwargs: alert (monitoring.models.Alert), actor (str), config (Config). A staff
# member escalated an alert: the grievance domain opens a case from it and returns the case's id.
escalation_requested = signals.signal("escalation-requested")
