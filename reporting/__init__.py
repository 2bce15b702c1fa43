"""Reporting: the public transparency report and the staff dashboard, read from every domain."""
