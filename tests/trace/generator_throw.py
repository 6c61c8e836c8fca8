# A generator that is sent to, thrown into and closed: each resumption is a
# call event, each suspension a return event.
def inner():
    try:
        got = yield 1
        yield got
    except ValueError as e:
        yield "caught " + str(e)
    finally:
        print("inner done")


def outer():
    result = yield from inner()
    return result


g = outer()
print(next(g))
print(g.send("sent"))
print(g.throw(ValueError("boom")))
g.close()
