words = ["pear", "fig", "banana"]
by_length = sorted(words, key=lambda w: len(w))
upper = list(map(lambda w: w.upper(), words))
double = lambda n: n * 2
print(by_length, upper, double(21))
