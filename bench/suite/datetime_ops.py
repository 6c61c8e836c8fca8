# datetime: arithmetic with timedelta, isoformat/fromisoformat, strftime, comparisons.
# half: train
from datetime import date, datetime, timedelta, timezone


def bench():
    start = datetime(2020, 1, 1, tzinfo=timezone.utc)
    step = timedelta(hours=7, minutes=13)
    total = 0
    stamps = []
    t = start
    for i in range(12000):
        t = t + step
        stamps.append(t.isoformat())
        total += t.weekday() + t.timetuple().tm_yday
    parsed = [datetime.fromisoformat(s) for s in stamps[::3]]
    total += sum(1 for a, b in zip(parsed, parsed[1:]) if a < b)
    days = sum((date(2000 + i % 30, 1 + i % 12, 1 + i % 28) - date(2000, 1, 1)).days for i in range(5000))
    return total, days, parsed[-1].strftime("%Y-%m-%d %H:%M")
