# The API image. The database is PostGIS (see docker-compose.yml).
FROM node:20-bookworm-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/LandRegister.Api -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
# The map page's MapLibre GL, found by the API under web/node_modules beside its content root.
COPY --from=web /web/node_modules/maplibre-gl/dist ./web/node_modules/maplibre-gl/dist
ENV ASPNETCORE_URLS=http://0.0.0.0:5080
EXPOSE 5080
ENTRYPOINT ["dotnet", "LandRegister.Api.dll"]
