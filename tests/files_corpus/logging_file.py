import logging
import os

log = logging.getLogger("app")
handler = logging.FileHandler("app.log")
handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
log.addHandler(handler)
log.setLevel(logging.DEBUG)
for i in range(3):
    log.info("step %d", i)
log.warning("done")
handler.close()
print(open("app.log").read(), end="")
from logging.handlers import RotatingFileHandler
r = RotatingFileHandler("rot.log", maxBytes=100, backupCount=2)
log.addHandler(r)
for i in range(20):
    log.error("message number %d", i)
r.close()
print(sorted(n for n in os.listdir(".") if n.startswith("rot")))
