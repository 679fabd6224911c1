# source: issue 4: build tools in final stage
# expect-not: DF-008
FROM debian:12 AS build
RUN apt-get update && apt-get install -y gcc
FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
