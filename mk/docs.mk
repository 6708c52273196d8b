# The documentation site: mkdocs.yml at the root, the pages in docs/, the site in runs/site
# (git-ignored). --strict turns a broken link, a missing anchor or a page left out of the
# nav into an error; tests/docs/test_docs_site.py runs the same build in `make test`.
.PHONY: docs

docs: $(STAMP) ## Build the documentation site with mkdocs --strict into runs/site
	$(VENV)/bin/mkdocs build --strict
