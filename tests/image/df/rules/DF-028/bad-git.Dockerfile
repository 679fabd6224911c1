FROM python:3.12-alpine
RUN python -m pip install --no-cache-dir git+https://github.com/org/repo.git#egg=repo
USER 1
