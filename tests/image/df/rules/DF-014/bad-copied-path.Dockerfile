FROM gcr.io/distroless/python3-debian12
COPY secrets/ /app/
ENV GOOGLE_APPLICATION_CREDENTIALS=/app/google-storage-service.json
