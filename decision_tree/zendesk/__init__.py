"""Zendesk macros: export the repository's macros as API objects, sync them, import the official ones.

- `export`: one macro of the bundle → the Zendesk API macro object; the export files.
- `client`: HTTP (plain `urllib`): authentication, retries, and the checks on each answer.
- `instance`: which Zendesk a command talks to, with whose credentials (`Instance`).
- `transport`: one HTTP exchange with no redirects, a total deadline and a size limit.
- `diff`: the differences shown to people (text diff of a comment, read as the site's copy button gives it:
  `sources.macro_text.body_text`; changed settings).
- `sync`: match by title, plan, print the plan, create or update what differs.
- `importer`: write the official texts and settings of the instance into `macros/*.yml`.
- `yaml_edit`: precise edits of a YAML file's text that keep the rest of it (ruamel.yaml's round trip).

The commands' arguments and output are in `decision_tree.cli.zendesk`;
credentials come from the caller (the CLI reads them from the environment,
never from arguments or files).
"""

from decision_tree.zendesk.client import Client, base_url_for
from decision_tree.zendesk.errors import ZendeskError
from decision_tree.zendesk.export import export_macros, is_official, macro_to_zendesk
from decision_tree.zendesk.importer import ImportPlan, import_zendesk, plan_import, repository_problems
from decision_tree.zendesk.instance import Instance
from decision_tree.zendesk.sync import Plan, PlanItem, plan_sync, print_plan, sync

__all__ = [
    "Client",
    "ImportPlan",
    "Instance",
    "Plan",
    "PlanItem",
    "ZendeskError",
    "base_url_for",
    "export_macros",
    "import_zendesk",
    "is_official",
    "macro_to_zendesk",
    "plan_import",
    "plan_sync",
    "print_plan",
    "repository_problems",
    "sync",
]
