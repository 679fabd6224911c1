FROM gcr.io/distroless/python3-debian12
# the key is mounted from a Secret at run time; only its path is in the image
ENV GOOGLE_APPLICATION_CREDENTIALS=/var/secrets/google/key.json
