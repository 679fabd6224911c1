FROM node:20-alpine
RUN npm install -g --registry https://registry.internal typescript
USER 1
