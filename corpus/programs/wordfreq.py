# Python workload for the trace corpus: word frequencies of a text, bigram counts,
# a sort of the vocabulary, and a JSON round trip. Usage: python3 wordfreq.py TEXT
import json
import sys
from collections import Counter

words = open(sys.argv[1], encoding="ascii").read().lower().replace(",", " ").replace(".", " ").split()
freq = Counter(words)
bigrams = Counter(zip(words, words[1:]))
ranked = sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))
doc = json.dumps({"top": ranked[:200], "bigrams": [[a, b, n] for (a, b), n in bigrams.most_common(200)]})
back = json.loads(doc)
print(len(words), len(freq), len(bigrams), back["top"][0], len(doc))
