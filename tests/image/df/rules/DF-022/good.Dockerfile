FROM python:3.12-slim AS build
RUN pip install --no-cache-dir --target /deps requests
FROM gcr.io/distroless/python3-debian12
COPY --from=build /deps /deps
USER 65532
