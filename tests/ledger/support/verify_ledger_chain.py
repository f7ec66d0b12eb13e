"""AbstractRuntime (Python)'s ledger chain check, restated: used by the interop test to
show a ledger written by this project verifies under the Python rule."""
import hashlib, json, sys

def verify(path):
    prev = None
    n = 0
    with open(path, encoding="utf-8") as f:
        for line in f.read().split("\n"):
            if not line.strip():
                continue
            rec = json.loads(line)
            body = {k: v for k, v in rec.items() if k not in ("record_hash", "signature")}
            if rec.get("prev_hash") != prev:
                return f"broken_link {n}"
            h = hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()
            if h != rec["record_hash"]:
                return f"hash_mismatch {n}"
            prev = h
            n += 1
    return f"valid {n}"

print(verify(sys.argv[1]))
