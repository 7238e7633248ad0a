"""Zendesk macros: export the repository's macros as API objects and sync them to an instance.

- `export`: one macro of the bundle → the Zendesk API macro object; the export files.
- `client`: HTTP (plain `urllib`): authentication, retries, and the checks on each answer.
- `sync`: match by title, plan, print the plan, create or update what differs.
- `commands`: the command-line wiring and its pt-BR output.

Credentials come from the caller (the CLI reads them from the environment,
never from arguments or files).
"""

from .client import Client, base_url_for
from .commands import add_subcommands
from .errors import ZendeskError
from .export import export_macros, macro_to_zendesk
from .sync import Plan, PlanItem, plan_sync, print_plan, sync

__all__ = [
    "Client",
    "Plan",
    "PlanItem",
    "ZendeskError",
    "add_subcommands",
    "base_url_for",
    "export_macros",
    "macro_to_zendesk",
    "plan_sync",
    "print_plan",
    "sync",
]
