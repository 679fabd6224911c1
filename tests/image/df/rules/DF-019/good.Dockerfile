FROM python:3.12-alpine AS build
RUN pip install --target /deps requests
FROM python:3.12-alpine
RUN pip install --no-cache-dir requests && python -m pip install --no-cache-dir flask
COPY --from=build /deps /deps
USER 10001
