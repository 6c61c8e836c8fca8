# zoneinfo: IANA zones from the system tzdata, conversions, DST gaps and folds.
import zoneinfo
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

print(zoneinfo.TZPATH)
names = zoneinfo.available_timezones()
print(len(names) > 400, "posixrules" in names, any(n.startswith(("posix/", "right/")) for n in names))
print([n for n in ("Europe/Paris", "America/New_York", "Asia/Kolkata", "Etc/GMT+5", "UTC",
                   "Australia/Lord_Howe", "Pacific/Chatham", "America/Argentina/Buenos_Aires")
       if n in names])

utc_noon = datetime(2024, 7, 1, 12, 0, tzinfo=timezone.utc)
for key in ("Europe/Paris", "America/New_York", "Asia/Kolkata", "Asia/Kathmandu",
            "Australia/Lord_Howe", "Pacific/Chatham", "America/St_Johns", "Etc/GMT-14",
            "Africa/Casablanca", "Europe/London", "UTC", "Asia/Tokyo", "Europe/Dublin"):
    tz = ZoneInfo(key)
    summer = utc_noon.astimezone(tz)
    winter = (utc_noon + timedelta(days=183)).astimezone(tz)
    print(key, summer.isoformat(), summer.tzname(), winter.isoformat(), winter.tzname(),
          winter.dst())

paris = ZoneInfo("Europe/Paris")
print(ZoneInfo("Europe/Paris") is paris, repr(paris), str(paris), paris.key)
# spring forward: 02:30 does not exist; fall back: 02:30 happens twice
gap = datetime(2024, 3, 31, 2, 30, tzinfo=paris)
print(gap.utcoffset(), gap.astimezone(timezone.utc), gap.astimezone(timezone.utc).astimezone(paris))
for fold in (0, 1):
    t = datetime(2024, 10, 27, 2, 30, fold=fold, tzinfo=paris)
    print(fold, t.utcoffset(), t.tzname(), t.astimezone(timezone.utc).isoformat())
walk = datetime(2024, 10, 27, 0, 0, tzinfo=timezone.utc)
print([(walk + timedelta(minutes=30 * i)).astimezone(paris).strftime("%H:%M%z") for i in range(6)])

# history: offsets that changed, and far past/future instants
for key, when in (("Europe/Amsterdam", datetime(1930, 6, 1)), ("Asia/Kolkata", datetime(1942, 1, 1)),
                  ("America/Sao_Paulo", datetime(2018, 12, 1)), ("Europe/Moscow", datetime(2013, 1, 1)),
                  ("Pacific/Apia", datetime(2011, 12, 29, 12)), ("America/New_York", datetime(2100, 7, 4))):
    t = when.replace(tzinfo=ZoneInfo(key))
    print(key, t.isoformat(), t.tzname())

ny = ZoneInfo("America/New_York")
meeting = datetime(2024, 11, 1, 9, 0, tzinfo=ny)
for key in ("Europe/Paris", "Asia/Tokyo", "Australia/Sydney"):
    print(key, (meeting + timedelta(days=7)).astimezone(ZoneInfo(key)).strftime("%Y-%m-%d %H:%M %Z"))
print(ZoneInfo("right/UTC").utcoffset(datetime(2020, 1, 1)), ZoneInfo("posix/Europe/Paris").key)
for bad in ("Mars/Olympus_Mons", "../etc/passwd", "Europe/", ""):
    try:
        ZoneInfo(bad)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        print(type(exc).__name__, exc)
with open(zoneinfo._tzpath.find_tzfile("Asia/Tokyo"), "rb") as f:
    magic = f.read(5)
    f.seek(0)
    print(magic, ZoneInfo.from_file(f, key="Tokyo").utcoffset(datetime(2024, 1, 1)))
