def logged(fn):
    def wrapper(*args):
        print("calling", fn.__name__)
        return fn(*args)
    return wrapper


@logged
def multiply(a, b):
    return a * b


print(multiply(6, 7))
