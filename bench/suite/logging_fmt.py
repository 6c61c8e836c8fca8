# logging: records formatted to an in-memory stream, and disabled levels.
# half: train
import io
import logging


def bench():
    stream = io.StringIO()
    logger = logging.getLogger("bench.suite")
    logger.handlers.clear()
    logger.propagate = False
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s:%(lineno)d %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    for i in range(2000):
        logger.debug("debug %d", i)
        logger.info("processed item %d of %s", i, "batch")
        if i % 10 == 0:
            logger.warning("slow item %d: %.2f ms", i, i / 3)
    logger.removeHandler(handler)
    return len(stream.getvalue().splitlines())
