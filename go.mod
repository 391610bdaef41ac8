module github.com/tradeoff-dev/tradeoff

go 1.26.8
