"""Agents, passwords, server-side sessions, CSRF tokens and login throttling.

Passwords are hashed with werkzeug's scrypt. The session cookie carries a random
token (HttpOnly, SameSite=Lax, Secure when the shop is served over https); only
its SHA-256 is stored, so logging out or deleting an agent revokes it at once.
Every POST carries the session's CSRF token (form field or ``X-CSRF-Token``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from frontdesk.admin.models import ROLES, Agent, AgentSession
from frontdesk.storage import Database
from frontdesk.storage.models import utcnow

COOKIE = "frontdesk_admin"
LOGIN_CSRF_COOKIE = "frontdesk_admin_login"
SESSION_LIFETIME = timedelta(days=14)
MIN_PASSWORD_LENGTH = 10
# Passwords anyone would try first, including the demo's own: a real install must not use them.
DEFAULT_PASSWORDS = frozenset({
    "demo-owner", "password", "password1", "password123", "passw0rd", "admin", "admin123", "administrator",
    "changeme", "changeme123", "frontdesk", "frontdesk123", "letmein", "welcome", "welcome1", "qwerty",
    "qwertyuiop", "123456", "12345678", "1234567890", "123456789", "iloveyou", "owner", "secret", "default",
})
DEMO_OWNER = ("owner@example.com", "demo-owner")
# scrypt hash of the demo password, made once, so a demo start (and every test Frontdesk) does no hashing work.
DEMO_OWNER_HASH = ("scrypt:32768:8:1$EHCyj4vMYIpm1Wmx$744ff33745f0b040972731fca5656f45f8ce4c725ece22d92611e46bd67a5"
                   "3c900b1f594c87d53c2b85225aef395589f64d0b4c6fcc242df06ca81f99415fcb3")
DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")


class AuthError(Exception):
    """A login problem with a message safe to show on the page."""


@dataclass(frozen=True)
class CurrentAgent:
    id: int
    email: str
    name: str
    role: str
    csrf_token: str

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def password_problem(password: str, email: str = "") -> str | None:
    """Why ``password`` is too weak for a real install, or None."""
    lowered = password.strip().lower()
    if lowered in DEFAULT_PASSWORDS:
        return "that is a default or common password; choose your own"
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"use at least {MIN_PASSWORD_LENGTH} characters"
    if len(set(password)) < 4:
        return "use more than a few different characters"
    local = email.split("@")[0].lower()
    if local and len(local) >= 3 and local in lowered:
        return "do not build the password from your email address"
    return None


def create_agent(db: Database, email: str, password: str, *, name: str = "", role: str = "agent",
                 check_strength: bool = True) -> Agent:
    email = email.strip().lower()
    if "@" not in email:
        raise AuthError("enter an email address")
    if role not in ROLES:
        raise AuthError(f"role must be one of {', '.join(ROLES)}")
    if check_strength:
        problem = password_problem(password, email)
        if problem:
            raise AuthError(f"password refused: {problem}")
    with db.session() as session:
        if session.scalar(select(Agent).where(Agent.email == email)) is not None:
            raise AuthError(f"{email} already has an account")
        agent = Agent(email=email, name=name.strip() or email.split("@")[0].title(), role=role,
                      password_hash=generate_password_hash(password, method="scrypt"), active=True)
        session.add(agent)
    return agent


def ensure_demo_owner(db: Database) -> None:
    """``frontdesk demo`` only: the documented owner account (a real install uses ``frontdesk admin create-owner``)."""
    email, _password = DEMO_OWNER
    with db.session() as session:
        if session.scalar(select(Agent.id).where(Agent.email == email)) is None:
            session.add(Agent(email=email, name="Owner", role="owner", password_hash=DEMO_OWNER_HASH, active=True))


def set_password(db: Database, agent_id: int, password: str) -> None:
    with db.session() as session:
        agent = session.get(Agent, agent_id)
        problem = password_problem(password, agent.email)
        if problem:
            raise AuthError(f"password refused: {problem}")
        agent.password_hash = generate_password_hash(password, method="scrypt")
        session.execute(delete(AgentSession).where(AgentSession.agent_id == agent_id))


class LoginThrottle:
    """Failed logins per email and per client address, in a moving window (like the API's rate limits)."""

    def __init__(self, per_email: str = "5/15minutes", per_ip: str = "20/15minutes") -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self.per_email = parse(per_email)
        self.per_ip = parse(per_ip)

    def allowed(self, email: str, ip: str) -> bool:
        return self._limiter.test(self.per_email, "email", email) and self._limiter.test(self.per_ip, "ip", ip)

    def failed(self, email: str, ip: str) -> None:
        self._limiter.hit(self.per_email, "email", email)
        self._limiter.hit(self.per_ip, "ip", ip)

    def succeeded(self, email: str) -> None:
        self._limiter.clear(self.per_email, "email", email)


def authenticate(db: Database, email: str, password: str) -> Agent | None:
    email = email.strip().lower()
    with db.session() as session:
        agent = session.scalar(select(Agent).where(Agent.email == email, Agent.active.is_(True)))
        if agent is None:
            check_password_hash(DUMMY_HASH, password)  # same work either way: no timing hint about who exists
            return None
        if not check_password_hash(agent.password_hash, password):
            return None
        agent.last_login_at = utcnow()
        return agent


def open_session(db: Database, agent: Agent) -> str:
    token = secrets.token_urlsafe(32)
    with db.session() as session:
        session.add(AgentSession(token_hash=hash_token(token), agent_id=agent.id, csrf_token=secrets.token_urlsafe(32)))
    return token


def session_agent(db: Database, token: str | None) -> CurrentAgent | None:
    if not token:
        return None
    with db.session() as session:
        row = session.get(AgentSession, hash_token(token))
        if row is None:
            return None
        now = utcnow()
        if now - row.created_at > SESSION_LIFETIME:
            session.delete(row)
            return None
        agent = session.get(Agent, row.agent_id)
        if agent is None or not agent.active:
            return None
        if now - row.last_seen_at > timedelta(minutes=5):
            row.last_seen_at = now
        return CurrentAgent(id=agent.id, email=agent.email, name=agent.name, role=agent.role, csrf_token=row.csrf_token)


def close_session(db: Database, token: str | None) -> None:
    if token:
        with db.session() as session:
            session.execute(delete(AgentSession).where(AgentSession.token_hash == hash_token(token)))


def csrf_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected, given or "")


def cookie_options(settings: dict[str, Any]) -> dict[str, Any]:
    secure = str(settings["shop"].get("public_url", "")).startswith("https://")
    return {"httponly": True, "samesite": "Lax", "secure": secure, "path": "/admin"}


def agents(db: Database) -> list[Agent]:
    with db.session() as session:
        return list(session.scalars(select(Agent).order_by(Agent.id)))


def remove_agent(db: Database, agent_id: int) -> None:
    with db.session() as session:
        session.execute(delete(AgentSession).where(AgentSession.agent_id == agent_id))
        agent = session.get(Agent, agent_id)
        if agent is not None:
            session.delete(agent)

