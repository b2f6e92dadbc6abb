"""The seed's design (the original FastAPI plan: FastAPI + SQLAlchemy, one uvicorn worker), reduced to
its authenticated request: a BaseHTTPMiddleware that, for every /api path, opens a synchronous
SQLAlchemy session inside the async dispatch (blocking the event loop), queries the session by
its plain-text token, then the user, then calls the route. Tables are the seed's, prefixed
`seed_` so they live beside the product's in the benchmark database.

Run by bench/lib/seed-design.ts: python3 app.py <database_url> <port>. Loopback only."""
import json
import sys
from datetime import datetime

import uvicorn
from fastapi import FastAPI, Request
from sqlalchemy import Column, DateTime, ForeignKey, String, create_engine
from sqlalchemy.orm import declarative_base, sessionmaker
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.responses import JSONResponse

DATABASE_URL, PORT = sys.argv[1], int(sys.argv[2])
engine = create_engine(DATABASE_URL)  # the seed's defaults: QueuePool(5, overflow 10)
SessionLocal = sessionmaker(autocommit=False, autoflush=False, bind=engine)
Base = declarative_base()


class User(Base):
    __tablename__ = "seed_users"
    id = Column(String(36), primary_key=True)
    email = Column(String(255), unique=True, nullable=False)
    name = Column(String(255))
    created_at = Column(DateTime, default=datetime.utcnow)


class Session(Base):
    __tablename__ = "seed_sessions"
    id = Column(String(36), primary_key=True)
    user_id = Column(String(36), ForeignKey("seed_users.id"), nullable=False)
    session_token = Column(String(255), unique=True, nullable=False)
    expires_at = Column(DateTime, nullable=False)
    created_at = Column(DateTime, default=datetime.utcnow)


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def verify_session(db, session_token):
    session = (
        db.query(Session)
        .filter(Session.session_token == session_token, Session.expires_at > datetime.utcnow())
        .first()
    )
    if not session:
        return None
    user = db.query(User).filter(User.id == session.user_id).first()
    return {"id": user.id, "email": user.email, "name": user.name} if user else None


class AuthMiddleware(BaseHTTPMiddleware):
    async def dispatch(self, request: Request, call_next):
        if request.url.path == "/health":
            return await call_next(request)
        session_token = request.cookies.get("session_token")
        if not session_token:
            return JSONResponse(status_code=401, content={"detail": "Authentication required"})
        gen = get_db()
        db = next(gen)
        try:
            user = verify_session(db, session_token)
        finally:
            gen.close()
        if not user:
            return JSONResponse(status_code=401, content={"detail": "Invalid or expired session"})
        request.state.user = user
        return await call_next(request)


app = FastAPI()
app.add_middleware(AuthMiddleware)


@app.get("/api/me")
async def me(request: Request):
    return {"user": request.state.user}


@app.on_event("startup")
async def ready():
    print(json.dumps({"type": "ready", "port": PORT}), flush=True)


if __name__ == "__main__":
    # The seed's `uvicorn.run(app, host, port)`: one worker, default (info) logging with access
    # lines, which go to the benchmark's log file like the product's.
    uvicorn.run(app, host="127.0.0.1", port=PORT)
