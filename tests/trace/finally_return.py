def attempt(fail):
    try:
        if fail:
            raise RuntimeError("failed")
        return "ok"
    except RuntimeError:
        return "recovered"
    finally:
        print("finally", fail)


print(attempt(False))
print(attempt(True))
