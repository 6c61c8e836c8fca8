import json


class AppError(Exception):
    class Detail(LookupError):
        pass


for make in (lambda: AppError("app"), lambda: AppError.Detail("nested")):
    try:
        raise make()
    except Exception as e:
        print(type(e).__qualname__, e)
try:
    json.loads("{bad")
except ValueError as e:
    print("json:", type(e).__name__)
