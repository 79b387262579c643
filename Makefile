# Set-up is part of every target: the first run creates .venv from pyproject.toml.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint docs bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	@echo "== valid payloads (exit status 0 expected)"
	$(BIN)/sendcloud-contract validate --verbose examples/valid
	@echo
	@echo "== invalid payloads (exit status 1 expected: each file shows why)"
	$(BIN)/sendcloud-contract validate examples/invalid; test $$? -eq 1
	@echo
	@echo "== the same files shared by two processes (--jobs 2; forked workers on Linux): the same report"
	mkdir -p build
	$(BIN)/sendcloud-contract validate --format json --output build/demo-jobs-1.json examples; test $$? -eq 1
	$(BIN)/sendcloud-contract validate --jobs 2 --format json --output build/demo-jobs-2.json examples; test $$? -eq 1
	cmp build/demo-jobs-1.json build/demo-jobs-2.json && echo "identical reports from 1 and 2 processes"
	@echo
	@echo "== recorded traffic: VCR.py cassettes, HAR and the JSON recording form, per interaction"
	$(BIN)/sendcloud-contract validate --verbose tests/data/recordings/valid
	@echo
	@echo "== the stateful fake of the Orders API, in process (examples/fake_roundtrip.py)"
	$(BIN)/python examples/fake_roundtrip.py
	@echo
	@echo "== generated order batches (Hypothesis strategies), checked by the validator"
	rm -rf build/demo-generated
	$(BIN)/sendcloud-contract generate --kind batch --count 5 --seed 1 --out build/demo-generated
	$(BIN)/sendcloud-contract validate build/demo-generated
	@echo
	@echo "== drift against an OpenAPI document (exit status 1 expected: one drift, five known deviations)"
	$(BIN)/python examples/openapi/write_drifted.py build/demo-openapi/drifted.yaml
	$(BIN)/sendcloud-contract drift --deviations examples/openapi/deviations.yaml build/demo-openapi/drifted.yaml; test $$? -eq 1
	@echo
	@echo "== the upsert contract suite: generated orders replayed against the fake, law by law"
	$(BIN)/sendcloud-contract verify --max-examples 10
	@echo
	@echo "== the pytest plugin: examples/pytest_demo's tests, and examples/valid as payload items"
	$(BIN)/python -m pytest -c /dev/null --rootdir . -p sendcloud \
		-p no:randomly -p no:cacheprovider -v examples/pytest_demo --sendcloud-payloads examples/valid \
		--sendcloud-coverage
	@echo
	@echo "== the proxy in front of serve: each exchange judged on its way through, a summary on SIGTERM"
	@echo "   (exit status 1 expected from the proxy and from validating its recording: one batch breaks the contract)"
	rm -rf build/demo-proxy && mkdir -p build/demo-proxy
	cd build/demo-proxy && { \
	  ../../$(BIN)/sendcloud-contract serve --port 0 --integration 4711 > serve.out & SERVE=$$!; \
	  for i in $$(seq 100); do [ -s serve.out ] && break; sleep 0.1; done; \
	  ../../$(BIN)/sendcloud-contract proxy --upstream "$$(head -1 serve.out)" --record recording \
	    --report report.txt > proxy.out & PROXY=$$!; \
	  for i in $$(seq 100); do [ -s proxy.out ] && break; sleep 0.1; done; URL=$$(head -1 proxy.out); \
	  for FILE in valid/basic-order.json invalid/typos-and-ranges.json; do \
	    curl -s -o /dev/null -w "POST /orders with $$FILE: %{http_code}\n" -u fake-public-key:fake-secret-key \
	      -H "content-type: application/json" --data-binary @../../examples/$$FILE "$$URL/orders"; done; \
	  curl -s -o /dev/null -w "GET /orders: %{http_code}\n" -u fake-public-key:fake-secret-key "$$URL/orders"; \
	  kill -TERM $$PROXY; wait $$PROXY; STATUS=$$?; kill -TERM $$SERVE; wait $$SERVE; \
	  cat report.txt; test $$STATUS -eq 1; }
	$(BIN)/sendcloud-contract validate build/demo-proxy/recording; test $$? -eq 1

test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) dist build site .pytest_cache .mypy_cache .ruff_cache
