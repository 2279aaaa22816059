"""The kernel: what every floor of shihyo stands on, importing nothing of shihyo's own —
settings, the clock, the bilingual error, the vocabulary and the files written for Excel."""
