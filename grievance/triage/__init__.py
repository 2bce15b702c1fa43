"""Staff triage of grievance cases: the queue, one case page, states, access, links and exports."""
