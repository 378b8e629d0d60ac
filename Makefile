# Every target names a verb; the work is in package.json scripts.
.PHONY: run test install lint typecheck jest build bench bench-deps bench-memory soak chart-lint tools clean

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.installed

build: install
	npm run build

run: build
	npm run demo

lint: install
	npm run lint

typecheck: install
	npm run typecheck

tools: install
	npm run tools

chart-lint: tools
	npm run chart-lint

jest: install build tools
	npm test

test: install lint typecheck jest

bench-deps:
	@command -v wrk >/dev/null || (apt-get update && apt-get install -y wrk)

bench: bench-deps build
	npm run bench

soak: bench-deps build
	npm run soak

bench-memory: build
	npm run bench:memory
	npm run bench:large-answer

clean:
	rm -rf dist node_modules coverage .tools
