"""QGIS 3.22 (Debian's python3-qgis), headless, as a planner's desktop uses the register.

Run by QgisTests with /usr/bin/python3 and QT_QPA_PLATFORM=offscreen. One JSON object per call on stdout.

  qgis_client.py oapif <ogc url> <json options>   the OGC API layer through QGIS's OAPIF provider
  qgis_client.py tiles <tile url template> <json options>   the vector tiles through QGIS's vector tile provider

The API key comes in LANDREGISTER_KEY.

Options: auth ("uri": user name and password in the layer's URI; "authcfg": a Basic configuration in QGIS's
authentication database; "none"), subset (a QGIS filter expression), rect ([xmin, ymin, xmax, ymax] in CRS84, with
restrictToRequestBBOX), zmin/zmax/image for tiles.
"""
import json
import os
import sys
import tempfile

from qgis.core import (QgsApplication, QgsAuthMethodConfig, QgsCoordinateReferenceSystem, QgsCoordinateTransform,
                       QgsDataSourceUri, QgsFeatureRequest, QgsMapRendererSequentialJob, QgsMapSettings, QgsProject,
                       QgsRectangle, QgsVectorLayer, QgsVectorTileLayer)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor


def start():
    QgsApplication.setPrefixPath("/usr", True)
    # A profile of its own, so the authentication database is this run's.
    app = QgsApplication([], False, tempfile.mkdtemp(prefix="qgis-profile-"))
    app.initQgis()
    return app


def authenticate(uri, key, how):
    if how == "uri":
        uri.setUsername("qgis")
        uri.setPassword(key)
    elif how == "authcfg":
        manager = QgsApplication.authManager()
        manager.setMasterPassword("landregister-tests", True)
        config = QgsAuthMethodConfig("Basic")
        config.setName("LandRegister")
        config.setConfig("username", "qgis")
        config.setConfig("password", key)
        manager.storeAuthenticationConfig(config)
        uri.setAuthConfigId(config.id())


def value(v):
    if v is None or (hasattr(v, "isNull") and v.isNull()):
        return None
    return v if isinstance(v, (int, float, str, bool)) else str(v)


def oapif(url, key, options):
    uri = QgsDataSourceUri()
    uri.setParam("url", url)
    uri.setParam("typename", options.get("collection", "parcels"))
    if "rect" in options:
        uri.setParam("restrictToRequestBBOX", "1")
    authenticate(uri, key, options.get("auth", "uri"))
    layer = QgsVectorLayer(uri.uri(False), "parcels", "OAPIF")
    result = {"valid": layer.isValid()}
    if not layer.isValid():
        return result
    if "subset" in options:
        result["subsetAccepted"] = layer.setSubsetString(options["subset"])
    request = QgsFeatureRequest()
    if "rect" in options:
        request.setFilterRect(QgsRectangle(*options["rect"]))
    fields = [f.name() for f in layer.fields()]
    features = [{name: value(f[name]) for name in fields} for f in layer.getFeatures(request)]
    result.update({"featureCount": layer.featureCount(), "fields": fields, "features": features,
                   "crs": layer.crs().authid()})
    return result


def tiles(template, key, options):
    uri = QgsDataSourceUri()
    uri.setParam("type", "xyz")
    uri.setParam("url", template)
    uri.setParam("zmin", str(options["zmin"]))
    uri.setParam("zmax", str(options["zmax"]))
    authenticate(uri, key, options.get("auth", "authcfg"))
    layer = QgsVectorTileLayer(bytes(uri.encodedUri()).decode(), "parcels")
    result = {"valid": layer.isValid()}
    if not layer.isValid():
        return result
    mercator = QgsCoordinateReferenceSystem("EPSG:3857")
    to_mercator = QgsCoordinateTransform(QgsCoordinateReferenceSystem("EPSG:4326"), mercator, QgsProject.instance())
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(mercator)
    settings.setExtent(to_mercator.transformBoundingBox(QgsRectangle(*options["rect"])))
    settings.setOutputSize(QSize(512, 512))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(options["image"])
    white = QColor(255, 255, 255).rgb()
    result["drawnPixels"] = sum(1 for x in range(0, 512, 2) for y in range(0, 512, 2) if image.pixel(x, y) != white)
    result["errors"] = [e.message for e in job.errors()]
    return result


if __name__ == "__main__":
    app = start()
    # The key comes in the environment: an argument would show in the process list.
    mode, address, key, options = sys.argv[1], sys.argv[2], os.environ["LANDREGISTER_KEY"], json.loads(sys.argv[3])
    print(json.dumps(oapif(address, key, options) if mode == "oapif" else tiles(address, key, options)))
    sys.stdout.flush()
    app.exitQgis()
