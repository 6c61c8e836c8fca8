def check(n):
    return n > 0


print(check(1))
raise ValueError('bad')
