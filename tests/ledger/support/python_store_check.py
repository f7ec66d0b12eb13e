"""The Python AbstractRuntime's rules for a JSON-file store, restated with the stdlib only
(the package itself is not installable here): what its JsonFileRunStore needs to load a
run file, how JsonlLedgerStore reads a ledger, how HashChainedLedgerStore continues a chain
(the head is the last record's record_hash) and how verify_ledger_chain checks it, and that
every artifact a run names is in FileArtifactStore's layout with a blob matching its id.

usage: python_store_check.py STORE_DIR RUN_ID [--append]
prints "ok <records> <artifacts>" (after --append, the record count includes the new one).
"""
import hashlib, json, os, re, sys, uuid
from datetime import datetime, timezone

RUN_STATUSES = {"running", "waiting", "completed", "failed", "cancelled"}
WAIT_REASONS = {"event", "until", "user", "job", "subworkflow"}


def canonical(d):
    return json.dumps(d, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def record_hash(rec, prev):
    body = {k: v for k, v in rec.items() if k not in ("record_hash", "signature")}
    body["prev_hash"] = prev
    return hashlib.sha256(canonical(body).encode("utf-8")).hexdigest()


def load_run(store, run_id):
    with open(os.path.join(store, f"run_{run_id}.json"), encoding="utf-8") as f:
        data = json.load(f)
    for key in ("run_id", "workflow_id", "current_node"):
        if not isinstance(data[key], str):
            raise SystemExit(f"run file: {key} is not a string")
    if data["status"] not in RUN_STATUSES:
        raise SystemExit(f"run file: status {data['status']!r} is not a Python RunStatus")
    w = data.get("waiting")
    if isinstance(w, dict) and w.get("reason") not in WAIT_REASONS:
        raise SystemExit(f"run file: waiting.reason {w.get('reason')!r} is not a Python WaitReason")
    for key in ("created_at", "updated_at"):
        datetime.fromisoformat(data[key])
    return data


def list_ledger(store, run_id):
    out = []
    with open(os.path.join(store, f"ledger_{run_id}.jsonl"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                out.append(json.loads(line))
    return out


def verify(records):
    prev = None
    for i, r in enumerate(records):
        if r.get("prev_hash") != prev:
            raise SystemExit(f"prev_hash mismatch at {i}")
        if record_hash(r, r.get("prev_hash")) != r.get("record_hash"):
            raise SystemExit(f"record_hash mismatch at {i}")
        prev = r["record_hash"]


def check_artifacts(store, run):
    ids = set(re.findall(r'"\$artifact":\s*"([^"]+)"', json.dumps(run)))
    for aid in ids:
        if not re.fullmatch(r"[A-Za-z0-9_-]+", aid):
            raise SystemExit(f"artifact id {aid!r} is not a valid Python artifact id")
        with open(os.path.join(store, "artifacts", "refs", f"{aid}.meta"), encoding="utf-8") as f:
            meta = json.load(f)
        with open(os.path.join(store, "artifacts", "blobs", f"{meta['blob_id']}.bin"), "rb") as f:
            content = f.read()
        if hashlib.sha256(content).hexdigest() != meta["blob_id"] or len(content) != meta["size_bytes"]:
            raise SystemExit(f"artifact {aid}: blob does not match")
        for key in ("artifact_id", "content_type", "created_at"):
            meta[key]
    return len(ids)


def append_step(store, run_id, records):
    prev = records[-1]["record_hash"] if records else None
    now = datetime.now(timezone.utc).isoformat()
    rec = {
        "run_id": run_id, "step_id": str(uuid.uuid4()), "node_id": "python_continued", "status": "completed",
        "effect": None, "result": {"continued_by": "python", "x": 1.0}, "error": None,
        "started_at": now, "ended_at": now, "actor_id": None, "session_id": None, "attempt": 1,
        "idempotency_key": None, "prev_hash": prev, "record_hash": None, "signature": None,
    }
    rec["record_hash"] = record_hash(rec, prev)
    with open(os.path.join(store, f"ledger_{run_id}.jsonl"), "a", encoding="utf-8") as f:
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")


store, run_id = sys.argv[1], sys.argv[2]
run = load_run(store, run_id)
records = list_ledger(store, run_id)
verify(records)
artifacts = check_artifacts(store, run)
if "--append" in sys.argv[3:]:
    append_step(store, run_id, records)
    records = list_ledger(store, run_id)
    verify(records)
print(f"ok {len(records)} {artifacts}")
