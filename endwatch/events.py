"""Signals between domains, so that no domain reaches into another's internals."""

from __future__ import annotations

from blinker import Namespace

signals = Namespace()

# sender: the Session; kwargs: customer_ids (list[int]). Sent after customers are added or changed.
customers_changed = signals.signal("customers-changed")
# sender: the Session; kwargs: action_id (int). Sent when an enforcement action takes effect.
safeguard_action_approved = signals.signal("safeguard-action-approved")
