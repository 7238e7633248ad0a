"""Which Zendesk a command talks to, with whose credentials: what sync-zendesk and import-zendesk share."""

from __future__ import annotations

from dataclasses import dataclass, field

from decision_tree.zendesk.client import ENV_EMAIL, ENV_TOKEN, Client, Out, base_url_for
from decision_tree.zendesk.errors import ZendeskError


@dataclass(frozen=True)
class Instance:
    """The Zendesk a command talks to and the agent's credentials (`base_url` overrides the subdomain's, for tests)."""

    subdomain: str
    email: str = field(repr=False)
    token: str = field(repr=False)
    base_url: str | None = None

    def connect(self, out: Out) -> Client:
        """A client for the instance; credentials required."""
        default_url = base_url_for(self.subdomain)  # a bad subdomain fails even when base_url is given
        if not self.email or not self.token:
            raise ZendeskError(f"faltam as credenciais: defina as variáveis de ambiente {ENV_EMAIL} e {ENV_TOKEN}.")
        return Client((self.base_url or default_url).rstrip("/"), self.email, self.token, out)
