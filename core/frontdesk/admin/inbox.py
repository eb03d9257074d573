"""The live inbox: conversations from every channel, filters and search, takeover and the live event stream."""

from __future__ import annotations

import json
from typing import Any, Iterator

from flask import Blueprint, Response, abort, jsonify, redirect, request, url_for
from sqlalchemy import Text, cast, exists, func, or_, select
from sqlalchemy.orm import aliased

from frontdesk.admin.blueprint import agent, fd, page, wants_json
from frontdesk.bus import ALL
from frontdesk.commerce import BackendError
from frontdesk.conversations import ConversationError, ConversationView
from frontdesk.storage.models import Conversation, Message

FILTERS = {
    "needs_human": ("Needs a person", ("handoff",)),
    "open": ("Open", ("open",)),
    "solved": ("Solved", ("solved", "closed")),
    "all": ("All", ("open", "handoff", "solved", "closed")),
}
LIST_LIMIT = 100
KEEPALIVE_SECONDS = 15.0


def add_routes(bp: Blueprint) -> None:
    bp.add_url_rule("/inbox", "inbox", inbox_page)
    bp.add_url_rule("/inbox/list", "inbox_list", inbox_list)
    bp.add_url_rule("/conversations/<conversation_id>", "conversation", conversation_page)
    bp.add_url_rule("/conversations/<conversation_id>/thread", "thread", thread_partial)
    bp.add_url_rule("/conversations/<conversation_id>/reply", "reply", reply, methods=["POST"])
    bp.add_url_rule("/conversations/<conversation_id>/takeover", "takeover", takeover, methods=["POST"])
    bp.add_url_rule("/conversations/<conversation_id>/release", "release", release, methods=["POST"])
    bp.add_url_rule("/conversations/<conversation_id>/solve", "solve", solve, methods=["POST"])
    bp.add_url_rule("/events", "events", events)


# --- listing ---------------------------------------------------------------------------------------


def current_filter() -> tuple[str, str]:
    name = request.args.get("filter", "needs_human")
    if name not in FILTERS:
        name = "needs_human"
    return name, (request.args.get("q") or "").strip()[:200]


def list_rows(filter_name: str, query: str) -> list[dict[str, Any]]:
    """The newest conversations the customer has spoken in, most recent activity first."""
    statuses = FILTERS[filter_name][1]
    said = aliased(Message)
    last = (select(Message.conversation_id, func.max(Message.id).label("last_id"))
            .group_by(Message.conversation_id).subquery())
    stmt = (select(Conversation, Message).join(last, last.c.conversation_id == Conversation.id)
            .join(Message, Message.id == last.c.last_id)
            .where(Conversation.status.in_(statuses))
            .where(exists().where(said.conversation_id == Conversation.id, said.role == "customer"))
            .order_by(last.c.last_id.desc()).limit(LIST_LIMIT))
    if query:
        like = f"%{query.lower()}%"
        matching = select(said.conversation_id).where(func.lower(said.text).like(like))
        stmt = stmt.where(or_(Conversation.id.in_(matching), Conversation.id.startswith(query.lower()),
                              func.lower(cast(Conversation.state, Text)).like(like)))
    with fd().db.session() as session:
        return [{"conversation": ConversationView.of(conv), "last": last_message} for conv, last_message in session.execute(stmt)]


def counts() -> dict[str, int]:
    with fd().db.session() as session:
        engaged = exists().where(Message.conversation_id == Conversation.id, Message.role == "customer")
        rows = session.execute(select(Conversation.status, func.count()).where(engaged).group_by(Conversation.status))
        by_status = dict(rows.all())
    return {name: sum(by_status.get(s, 0) for s in statuses) for name, (_, statuses) in FILTERS.items()}


def inbox_page() -> str:
    filter_name, query = current_filter()
    return page("inbox.html", rows=list_rows(filter_name, query), filters=FILTERS, filter_name=filter_name,
                query=query, counts=counts(), selected=None)


def inbox_list() -> str:
    filter_name, query = current_filter()
    return page("_list.html", rows=list_rows(filter_name, query), filters=FILTERS, filter_name=filter_name,
                query=query, counts=counts(), selected=request.args.get("selected"))


# --- one conversation -------------------------------------------------------------------------------------


def conversation_or_404(conversation_id: str) -> ConversationView:
    try:
        return fd().conversations.get(conversation_id)
    except ConversationError:
        abort(404, description="no such conversation")


def conversation_page(conversation_id: str) -> str:
    conversation = conversation_or_404(conversation_id)
    filter_name, query = current_filter()
    if "filter" not in request.args:
        filter_name = "all"
    return page("conversation.html", conversation=conversation, messages=fd().messages(conversation.id, limit=2000),
                context=customer_context(conversation), rows=list_rows(filter_name, query), filters=FILTERS,
                filter_name=filter_name, query=query, counts=counts(), selected=conversation.id)


def thread_partial(conversation_id: str) -> str:
    conversation = conversation_or_404(conversation_id)
    return page("_thread.html", conversation=conversation, messages=fd().messages(conversation.id, limit=2000))


def customer_context(conversation: ConversationView) -> dict[str, Any]:
    """What the agent needs to help without asking again: verified orders, notes, earlier conversations."""
    memory = conversation.state.get("memory") or {}
    identity = conversation.state.get("identity") or {}
    orders = []
    for number in conversation.verified_orders:
        order = None
        if fd().commerce is not None:
            try:
                order = fd().commerce.find_order(number)
            except BackendError:
                order = None
        orders.append({"number": number, "order": order})
    return {"identity": identity, "orders": orders, "notes": memory.get("handoff_notes", []),
            "previous": previous_conversations(conversation)}


def previous_conversations(conversation: ConversationView, limit: int = 10) -> list[dict[str, Any]]:
    identity = conversation.state.get("identity") or {}
    email, phone = identity.get("email"), identity.get("phone")
    orders = set(conversation.verified_orders)
    if not (email or phone or orders):
        return []
    found = []
    with fd().db.session() as session:
        rows = session.scalars(select(Conversation).where(Conversation.id != conversation.id)
                               .order_by(Conversation.created_at.desc()).limit(5000))
        for row in rows:
            state = row.state or {}
            other = state.get("identity") or {}
            other_orders = set((state.get("memory") or {}).get("verified_orders", []))
            if (email and other.get("email") == email) or (phone and other.get("phone") == phone) or orders & other_orders:
                found.append(ConversationView.of(row))
                if len(found) >= limit:
                    break
    return [{"conversation": c} for c in found]


# --- acting on a conversation -----------------------------------------------------------------------------


def done(conversation_id: str, **data: Any) -> Response:
    if wants_json():
        return jsonify({"ok": True, **data})
    return redirect(url_for("admin.conversation", conversation_id=conversation_id))


def reply(conversation_id: str) -> Response:
    conversation = conversation_or_404(conversation_id)
    text = (request.form.get("text") or "").strip()
    if not text:
        return error(400, "write a reply first")
    if len(text) > int(fd().settings["server"]["max_text_length"]):
        return error(413, "that reply is too long")
    if conversation.status == "closed":
        return error(409, "the customer has closed this conversation")
    message = fd().post_agent_message(conversation.id, text, agent().name)
    return done(conversation.id, message=message.to_api())


def takeover(conversation_id: str) -> Response:
    """Claim the conversation before typing: the bot goes quiet and the customer sees who is there."""
    conversation = conversation_or_404(conversation_id)
    if conversation.status == "closed":
        return error(409, "the customer has closed this conversation")
    updated = fd().conversations.set_status(conversation.id, "handoff", reason=conversation.handoff_reason or "agent_took_over",
                                            agent_name=agent().name)
    fd().publish(updated.id, {"type": "status", "status": updated.status,
                              "agent": {"name": updated.agent_name, "avatar": None}})
    return done(updated.id, status=updated.status)


def release(conversation_id: str) -> Response:
    conversation = conversation_or_404(conversation_id)
    return done(conversation.id, status=fd().release_handoff(conversation.id).status)


def solve(conversation_id: str) -> Response:
    conversation = conversation_or_404(conversation_id)
    return done(conversation.id, status=fd().mark_solved(conversation.id).status)


def error(status: int, message: str) -> Response:
    response = jsonify({"error": message, "status": status})
    response.status_code = status
    return response


# --- live updates (Server-Sent Events) ---------------------------------------------------------------------


def events() -> Response:
    """Every conversation's new messages and status changes, for the inbox tabs of signed-in agents."""
    subscription = fd().bus.subscribe(ALL)

    def stream() -> Iterator[str]:
        try:
            yield "retry: 2000\n\n"
            while True:
                event = subscription.get(timeout=KEEPALIVE_SECONDS)
                if event is None:
                    yield ": keep-alive\n\n"
                    continue
                slim = slim_event(event)
                if slim is not None:
                    yield f"event: {slim['type']}\ndata: {json.dumps(slim)}\n\n"
        finally:
            subscription.close()

    return Response(stream(), mimetype="text/event-stream",
                    headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def slim_event(event: dict[str, Any]) -> dict[str, Any] | None:
    if "conversation_id" not in event:  # should not happen; still tell the page to look again
        return {"type": "status", "conversation_id": None, "status": None, "agent": None}
    if event.get("type") == "message":
        message = event["message"]
        return {"type": "message", "conversation_id": event["conversation_id"], "id": message["id"],
                "role": message["role"], "text": message["text"][:200]}
    if event.get("type") == "status":
        return {"type": "status", "conversation_id": event["conversation_id"], "status": event.get("status"),
                "agent": (event.get("agent") or {}).get("name")}
    if event.get("type") == "typing" and event.get("role") == "customer":
        return {"type": "typing", "conversation_id": event["conversation_id"], "on": bool(event.get("on"))}
    return None
