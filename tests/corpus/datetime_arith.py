# datetime: date/time/datetime/timedelta arithmetic, fixed-offset timezones, formatting, parsing.
# No "now", no local timezone, no years < 1000 in strftime (libc-dependent padding).
from datetime import date, time, datetime, timedelta, timezone
import calendar

d = date(2024, 2, 28)
print(d, d + timedelta(days=1), d + timedelta(days=2), d.replace(year=2023) + timedelta(days=1))
print(d.year, d.month, d.day, d.weekday(), d.isoweekday(), d.isocalendar(), d.toordinal(), date.fromordinal(738000))
print(date(2000, 1, 1) - date(1970, 1, 1), (date(2025, 1, 1) - date(2024, 1, 1)).days, date.min, date.max)
print(date.fromisoformat("2023-12-31"), date.fromisocalendar(2020, 53, 7), date(2021, 1, 3).isocalendar())
print(d.isoformat(), d.ctime(), d.strftime("%Y/%m/%d %j %a %A %b %B %U %W %w %y %%"), repr(d))
t = time(13, 5, 9, 123456)
print(t, t.isoformat("milliseconds"), t.isoformat("seconds"), t.replace(hour=0), time(), repr(time(1, 2)))
print(t.strftime("%H:%M:%S %I %p"), time.fromisoformat("23:59:59.5"), time(23, 59) < time(23, 59, 1))
dt = datetime(2024, 3, 10, 1, 59, 30, 250000)
print(dt, dt.isoformat(), dt.isoformat(sep=" ", timespec="minutes"), repr(dt))
print(dt.date(), dt.time(), dt + timedelta(minutes=1), dt - timedelta(days=400), dt.replace(microsecond=0))
print(datetime.combine(d, t), datetime.fromisoformat("2011-11-04T00:05:23+04:00"), datetime.fromisoformat("2011-11-04 00:05"))
print(datetime.strptime("2021-07-04 18:30:05", "%Y-%m-%d %H:%M:%S"), datetime.strptime("04/07/21 +0530", "%d/%m/%y %z"))
td = timedelta(days=1, hours=25, minutes=61, seconds=3661, microseconds=1500000, weeks=1)
print(td, repr(td), td.days, td.seconds, td.microseconds, td.total_seconds())
print(timedelta(seconds=-1), timedelta(hours=-25), -timedelta(days=1, seconds=1), abs(timedelta(hours=-3)))
print(td * 2, td / 3, td // timedelta(hours=1), td % timedelta(hours=1), timedelta(hours=3) / timedelta(minutes=7))
print(timedelta(minutes=90) * 1.5, timedelta(days=10) / 4, timedelta.max, timedelta.min, timedelta.resolution)
utc = timezone.utc
ist = timezone(timedelta(hours=5, minutes=30), "IST")
est = timezone(timedelta(hours=-5))
a = datetime(2024, 1, 1, 0, 0, tzinfo=utc)
print(a, a.astimezone(ist), a.astimezone(est), a.tzname(), a.astimezone(ist).tzname(), est.tzname(None))
print(a.utcoffset(), a.astimezone(est).utcoffset(), repr(ist), repr(est), str(est), repr(utc))
print(a == a.astimezone(ist), a.astimezone(est) - a, a.timestamp(), datetime.fromtimestamp(1_700_000_000, utc))
print(datetime.fromtimestamp(0, est), datetime(1970, 1, 1, tzinfo=utc) + timedelta(seconds=2**31), a.strftime("%Y-%m-%dT%H:%M:%S%z %Z"))
print(a.astimezone(ist).strftime("%z %Z"), datetime(2024, 6, 1, 12, tzinfo=ist).isoformat(), a.utctimetuple()[:6])
naive, aware = datetime(2024, 1, 1), datetime(2024, 1, 1, tzinfo=utc)
try:
    naive < aware
except TypeError as e:
    print("TypeError:", e)
for bad in [lambda: date(2023, 2, 29), lambda: time(24, 0), lambda: datetime.fromisoformat("2024-13-01"), lambda: timedelta(days=10**9)]:
    try:
        bad()
    except (ValueError, OverflowError) as e:
        print(type(e).__name__, e)
print(calendar.isleap(1900), calendar.isleap(2000), calendar.leapdays(1900, 2025), calendar.monthrange(2024, 2), calendar.weekday(2024, 7, 4))
print(calendar.month(2024, 2))
print(calendar.TextCalendar(firstweekday=6).formatmonth(2023, 12))
days = sorted([date(2024, 5, 1), date(2023, 12, 25), date(2024, 1, 15)])
print(days, max(days) - min(days), [x.strftime("%b %d") for x in days])

def add_months(dd, n):
    m = dd.month - 1 + n
    y, m = dd.year + m // 12, m % 12 + 1
    return dd.replace(year=y, month=m, day=min(dd.day, calendar.monthrange(y, m)[1]))

print([str(add_months(date(2024, 1, 31), k)) for k in range(-2, 6)])
