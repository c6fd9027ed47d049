"""`guichet agents`: create back-office agents (the first supervisor above all, before
anyone can use /agent/agents), list them, disable one, give one a new enrolment link."""

from __future__ import annotations

import click

import storage
from web.agent.agents import enrolment_link
from web.cli.data import bound_store, forms, settings


@click.group("agents")
def agents_group() -> None:
    """Back-office agents (/agent/)."""


def _print_link(agent: storage.AgentView, token: str) -> None:
    click.echo(f"{agent.email}: enrolment link, valid "
               f"{int(storage.ENROLMENT_LIFETIME.total_seconds() // 3600)} hours, shown once:")
    click.echo(enrolment_link(token, settings()["PORTAL_URL"]))


@agents_group.command("create")
@click.argument("email")
@click.option("--name", required=True, help="the agent's name, as colleagues know it")
@click.option("--role", type=click.Choice(storage.agent_roles()), default="agent",
              show_default=True)
@click.option("--types", default="", metavar="ID,ID",
              help="dossier type ids the agent may see, comma-separated (files of forms/)")
def agents_create(email: str, name: str, role: str, types: str) -> None:
    """Create an agent and print its one-time enrolment link (valid 24 hours, on the
    portal address GUICHET_PORTAL_URL): the agent sets a password and an authenticator
    app there. Refused in a sentence: an invalid address, an empty name, unknown type
    ids (with the known ones), no type for an agent (a supervisor may have none)."""
    wanted = [t.strip() for t in types.split(",") if t.strip()]
    with bound_store(forms()):
        storage.init_db()
        try:
            agent, token = storage.create_agent(email, name, role, wanted)
        except storage.AgentRefused as refused:
            if refused.code == "types":
                unknown = sorted(set(wanted) - set(refused.known))
                raise click.ClickException(
                    f"unknown dossier type(s): {', '.join(unknown)} "
                    f"(known: {', '.join(refused.known)})") from None
            if refused.code == "email":
                raise click.ClickException(
                    f"'{email}' is not an email address: write one, such as "
                    "name@example.org") from None
            if refused.code == "name":
                raise click.ClickException(
                    "the name is empty: give the agent's name with --name") from None
            if refused.code == "name_long":
                raise click.ClickException(
                    f"the name is longer than {storage.AGENT_NAME_MAX} characters") from None
            if refused.code == "no_types":
                raise click.ClickException(
                    "an agent needs at least one dossier type: give --types ID,ID (known: "
                    f"{', '.join(refused.known) or 'none'}); only a supervisor may have "
                    "none") from None
            if refused.code == "email_taken":
                raise click.ClickException(f"{email.strip().lower()} is already an agent") \
                    from None
            raise click.ClickException(f"refused: {refused.code}") from None
    _print_link(agent, token)


@agents_group.command("list")
def agents_list() -> None:
    """Every agent: id, email, role, status (enrolled, waiting, disabled), types, name."""
    with bound_store(forms()):
        storage.init_db()
        agents = storage.list_agents()
    for a in agents:
        status = "disabled" if a.disabled else "enrolled" if a.enrolled else "waiting"
        click.echo(f"{a.id}\t{a.email}\t{a.role}\t{status}\t{','.join(a.types) or '-'}\t"
                   f"{a.name}")
    click.echo(f"{len(agents)} agent(s)")


@agents_group.command("disable")
@click.argument("email")
def agents_disable(email: str) -> None:
    """Disable the agent of EMAIL: no more logins, open sessions end at their next page."""
    with bound_store(forms()):
        found = [a for a in storage.list_agents() if a.email == email.strip().lower()]
        if not found:
            raise click.ClickException(f"no agent {email.strip().lower()}")
        storage.disable_agent(found[0].id)
    click.echo(f"{found[0].email} disabled")


@agents_group.command("link")
@click.argument("email")
def agents_link(email: str) -> None:
    """A new enrolment link for the agent of EMAIL (lost phone, forgotten password): its
    password and authenticator are cleared until it enrols again."""
    with bound_store(forms()):
        found = [a for a in storage.list_agents()
                 if a.email == email.strip().lower() and not a.disabled]
        if not found:
            raise click.ClickException(f"no enabled agent {email.strip().lower()}")
        agent, token = storage.renew_enrolment(found[0].id)
    _print_link(agent, token)


def register(main: click.Group) -> None:
    """Add `agents` to the `guichet` group."""
    main.add_command(agents_group)
