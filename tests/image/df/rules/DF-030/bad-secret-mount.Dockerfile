FROM google/cloud-sdk:470.0.0-slim
# the key comes from a secret mount, but the login writes ~/.config/gcloud into the layer
RUN --mount=type=secret,id=gcp-key gcloud auth activate-service-account --key-file=/run/secrets/gcp-key
USER 10001
