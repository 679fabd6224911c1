# source: issue 4: shell in distroless
# expect-not: DF-009
FROM golang:1.22 AS build
FROM gcr.io/distroless/static-debian12
COPY --from=build /out/app /app
