"""Owner pages: settings (with encrypted plugin credentials), the widget snippet, the team, and privacy."""

from __future__ import annotations

import json

from flask import Blueprint, Response, abort, redirect, request, url_for

from frontdesk.admin import auth, config_store, privacy
from frontdesk.admin.blueprint import agent, fd, owner_only, page, state


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/settings", "settings", owner_only(settings_page), methods=["GET", "POST"])
    bp.add_url_rule("/settings/credentials", "credentials", owner_only(credentials), methods=["POST"])
    bp.add_url_rule("/snippet", "snippet", snippet_page)
    bp.add_url_rule("/team", "team", owner_only(team_page), methods=["GET", "POST"])
    bp.add_url_rule("/team/<int:agent_id>/remove", "remove_agent", owner_only(remove_agent), methods=["POST"])
    bp.add_url_rule("/account/password", "password", change_password, methods=["GET", "POST"])
    bp.add_url_rule("/privacy", "privacy", owner_only(privacy_page), methods=["GET", "POST"])


# --- settings -------------------------------------------------------------------------------------


def settings_page() -> str:
    settings = fd().settings
    fields = config_store.all_fields(settings)
    errors: list[str] = []
    saved = False
    if request.method == "POST":
        values = {}
        for key, spec in fields.items():
            if key in request.form:
                try:
                    values[key] = config_store.parse_value(spec, request.form[key])
                except ValueError as exc:
                    errors.append(str(exc))
        if not errors:
            state().store.save(values, agent().email)
            saved = True
    current = {key: config_store.get_path(settings, key) for key in fields}
    sites = [{"key": site["key"], "fields": [fields[f"sites.{site['key']}.{f.key}"] for f in config_store.SITE_FIELDS]}
             for site in settings.get("sites", [])]
    return page("settings.html", sections=config_store.SECTIONS, sites=sites, current=current, errors=errors,
                saved=saved, credentials=state().store.masked_secrets(), snippets=snippets())


def credentials() -> Response:
    plugin = (request.form.get("plugin") or "").strip()
    name = (request.form.get("name") or "").strip()
    if not plugin.replace("_", "").replace("-", "").isalnum() or not name.replace("_", "").isalnum():
        abort(400, description="plugin and setting names are letters, digits, - and _")
    if request.form.get("action") == "delete":
        state().store.delete_secret(plugin, name)
    else:
        value = request.form.get("value") or ""
        if not value:
            abort(400, description="enter the credential's value")
        state().store.set_secret(plugin, name, value)
    return redirect(url_for("admin.settings") + "#credentials")


def snippets() -> list[dict[str, str]]:
    base = fd().settings["shop"]["public_url"].rstrip("/")
    return [{"site": site["key"],
             "code": f'<script src="{base}/widget.js" data-site="{site["key"]}" async></script>'}
            for site in fd().settings.get("sites", [])]


def snippet_page() -> str:
    return page("snippet.html", snippets=snippets())


# --- team ----------------------------------------------------------------------------------------------


def team_page() -> str:
    error, added = None, None
    if request.method == "POST":
        try:
            created = auth.create_agent(fd().db, request.form.get("email", ""), request.form.get("password", ""),
                                        name=request.form.get("name", ""), role=request.form.get("role", "agent"))
            added = created.email
        except auth.AuthError as exc:
            error = str(exc)
    return page("team.html", agents=auth.agents(fd().db), error=error, added=added)


def remove_agent(agent_id: int) -> Response:
    if agent_id == agent().id:
        abort(400, description="you cannot remove your own account")
    auth.remove_agent(fd().db, agent_id)
    return redirect(url_for("admin.team"))


def change_password() -> str:
    error, changed = None, False
    if request.method == "POST":
        current = auth.authenticate(fd().db, agent().email, request.form.get("current", ""))
        if current is None:
            error = "your current password is wrong"
        else:
            try:
                auth.set_password(fd().db, agent().id, request.form.get("new", ""))
                changed = True
            except auth.AuthError as exc:
                error = str(exc)
    return page("password.html", error=error, changed=changed)


# --- privacy -------------------------------------------------------------------------------------------


def privacy_page() -> Response | str:
    result, error = None, None
    if request.method == "POST":
        email = (request.form.get("email") or "").strip().lower()
        if "@" not in email:
            error = "enter the customer's email address"
        elif request.form.get("action") == "export":
            document = privacy.export(fd().db, email)
            response = Response(json.dumps(document, indent=2, ensure_ascii=False), mimetype="application/json")
            response.headers["Content-Disposition"] = 'attachment; filename="frontdesk-export.json"'
            return response
        elif request.form.get("action") == "erase":
            if request.form.get("confirm") != email:
                error = "type the email address again to confirm the deletion"
            else:
                result = privacy.erase(fd().db, email)
    return page("privacy.html", result=result, error=error,
                retention_days=privacy.retention_days(fd().settings))
