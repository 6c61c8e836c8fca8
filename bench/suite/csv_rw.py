# csv: writer and DictReader over an in-memory file.
# half: held-out
import csv
import io


def bench():
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["id", "name", "amount", "note"])
    for i in range(8000):
        w.writerow([i, "name %d" % i, i * 0.25, 'quote "%d", comma' % i if i % 4 == 0 else ""])
    text = buf.getvalue()
    rows = list(csv.DictReader(io.StringIO(text)))
    total = sum(float(r["amount"]) for r in rows)
    return len(text), len(rows), total, rows[8]["note"]
