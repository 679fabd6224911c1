FROM python:3.12-alpine
RUN curl -fsSL https://api.example.com/release.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["tag"])' \
    && wget -qO- https://example.com/list.txt | sh -c 'cat > /tmp/list' \
    && curl -fsSL https://example.com/data.csv | python3 /opt/import.py
USER 10001
