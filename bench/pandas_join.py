"""The pandas baseline of bench/run.js: the same point-in-time join as
`spellbook join --feature account.*,stats.*`, written the way a data scientist would:
`read_sql` of both tables, `read_csv` of the labels, one `merge_asof` per group.

    python3 bench/pandas_join.py SPEC_JSON OUTPUT.csv

SPEC_JSON: {"engine": "sqlite"|"postgres"|"mysql", "file"|"url"|"connection": ...,
            "labels": path, "groups": [{"table", "event", "created", "features", "ttl_days"}]}
Same rules as SPEC §2: a row is visible to a label at t when event <= t (and, with a
ttl, event >= t - ttl); the latest event wins, ties broken by the greater created time
(NULL created loses). Output: the label columns unchanged, then the features, CSV.
Needs Debian's python3-pandas (+ python3-psycopg2 / python3-pymysql for those engines).
"""
import json
import sys

import pandas as pd

spec = json.loads(sys.argv[1])
out_file = sys.argv[2]


def connect():
    if spec["engine"] == "sqlite":
        import sqlite3
        return sqlite3.connect(f"file:{spec['file']}?mode=ro", uri=True)
    if spec["engine"] == "postgres":
        import psycopg2
        return psycopg2.connect(spec["url"])
    import pymysql
    c = spec["connection"]
    return pymysql.connect(host=c["host"], port=c["port"], user=c["user"], password=c["password"], database=c["database"])


def utc(series):
    # SQLite holds ISO text with a Z; PostgreSQL/MariaDB naive timestamps mean UTC.
    s = pd.to_datetime(series, utc=True) if series.dtype == object else pd.to_datetime(series)
    return s.dt.tz_localize("UTC") if s.dt.tz is None else s.dt.tz_convert("UTC")


# Labels as text, so their columns are written back exactly as read.
labels = pd.read_csv(spec["labels"], dtype=str, keep_default_na=False)
labels["__t"] = utc(labels["event_timestamp"])
labels["__k"] = labels["user_id"].astype("int64")
labels["__i"] = range(len(labels))
result = labels.sort_values("__t", kind="stable")

conn = connect()
features = []
for g in spec["groups"]:
    cols = ["user_id", g["event"]] + ([g["created"]] if g.get("created") else []) + g["features"]
    rows = pd.read_sql(f"SELECT {', '.join(cols)} FROM {g['table']}", conn)
    rows["__k"] = rows.pop("user_id").astype("int64")
    rows["__e"] = utc(rows.pop(g["event"]))
    order = ["__e"]
    if g.get("created"):
        # Ties on event time: the greater created time wins, a NULL one loses; merge_asof
        # takes the last row in this order.
        rows["__c"] = utc(rows.pop(g["created"]))
        order.append("__c")
    rows = rows.sort_values(order, na_position="first", kind="stable")
    if g.get("created"):
        rows = rows.drop(columns="__c")
    tolerance = pd.Timedelta(days=g["ttl_days"]) if g.get("ttl_days") else None
    result = pd.merge_asof(result, rows, left_on="__t", right_on="__e", by="__k", direction="backward", tolerance=tolerance, allow_exact_matches=True)
    result = result.drop(columns="__e")
    for f, t in zip(g["features"], g["types"]):
        if t == "int":
            result[f] = result[f].astype("Int64")
    features += g["features"]
conn.close()

result = result.sort_values("__i")
label_cols = [c for c in labels.columns if not c.startswith("__")]
result[label_cols + features].to_csv(out_file, index=False)
