"""Command-line group(s) of this domain, attached to the `endwatch` root."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
