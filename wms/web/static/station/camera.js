/* Camera scanning for handhelds without a scanner: the browser's BarcodeDetector where it exists,
 * else the vendored ZXing decoder (loaded only when the camera is first opened). A decoded code
 * goes through the same journal as a typed scan. No inline scripts (CSP). */
(function () {
  "use strict";

  var body = document.body;
  var button = document.getElementById("camera-open");
  var box = document.getElementById("camera");
  var video = document.getElementById("camera-video");
  var closeButton = document.getElementById("camera-close");
  if (!button || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    if (button) { button.hidden = true; }
    return;
  }
  button.hidden = false;

  var FORMATS = ["code_128", "ean_13", "ean_8", "upc_a", "data_matrix", "qr_code"];
  var stream = null;
  var timer = null;
  var decode = null;  // function (video) -> Promise<string|null>

  function nativeDecoder() {
    if (!("BarcodeDetector" in window)) { return Promise.resolve(null); }
    return window.BarcodeDetector.getSupportedFormats().then(function (supported) {
      var wanted = FORMATS.filter(function (f) { return supported.indexOf(f) >= 0; });
      if (wanted.length === 0) { return null; }
      var detector = new window.BarcodeDetector({ formats: wanted });
      body.dataset.cameraDecoder = "native";
      return function (source) {
        return detector.detect(source).then(function (found) {
          return found.length ? found[0].rawValue : null;
        });
      };
    }).catch(function () { return null; });
  }

  function loadZxing() {
    if (window.ZXing) { return Promise.resolve(window.ZXing); }
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = body.dataset.zxingUrl;
      script.onload = function () { resolve(window.ZXing); };
      script.onerror = function () { reject(new Error("decoder not loaded")); };
      document.head.appendChild(script);
    });
  }

  function zxingDecoder() {
    return loadZxing().then(function (ZXing) {
      var hints = new Map();
      var F = ZXing.BarcodeFormat;
      hints.set(ZXing.DecodeHintType.POSSIBLE_FORMATS,
        [F.CODE_128, F.EAN_13, F.EAN_8, F.UPC_A, F.DATA_MATRIX, F.QR_CODE]);
      hints.set(ZXing.DecodeHintType.TRY_HARDER, true);
      var reader = new ZXing.MultiFormatReader();
      reader.setHints(hints);
      var canvas = document.createElement("canvas");
      body.dataset.cameraDecoder = "zxing";
      return function (source) {
        var width = source.videoWidth;
        var height = source.videoHeight;
        if (!width || !height) { return Promise.resolve(null); }
        canvas.width = width;
        canvas.height = height;
        canvas.getContext("2d", { willReadFrequently: true }).drawImage(source, 0, 0, width, height);
        try {
          var luminance = new ZXing.HTMLCanvasElementLuminanceSource(canvas);
          var bitmap = new ZXing.BinaryBitmap(new ZXing.HybridBinarizer(luminance));
          return Promise.resolve(reader.decode(bitmap).getText());
        } catch (e) {
          return Promise.resolve(null);  // nothing readable in this frame
        } finally {
          reader.reset();
        }
      };
    });
  }

  function decoder() {
    if (decode) { return Promise.resolve(decode); }
    return nativeDecoder().then(function (found) {
      return found || zxingDecoder();
    }).then(function (found) { decode = found; return found; });
  }

  function stop() {
    clearTimeout(timer);
    timer = null;
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null;
    box.hidden = true;
    body.dataset.camera = "closed";
  }

  function look() {
    if (!stream) { return; }
    decode(video).then(function (code) {
      if (code && stream) {
        stop();
        window.StationScan.submit(code);  // one code per opening: a deliberate scan
        return;
      }
      timer = setTimeout(look, 150);
    }).catch(function () { timer = setTimeout(look, 300); });
  }

  button.addEventListener("click", function (event) {
    event.stopPropagation();
    window.StationScan.startAudio();
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false })
      .then(function (opened) {
        stream = opened;
        video.srcObject = opened;
        box.hidden = false;
        body.dataset.camera = "open";
        return video.play();
      })
      .then(decoder)
      .then(look)
      .catch(function (error) {
        stop();
        body.dataset.camera = "error: " + error;
      });
  });
  closeButton.addEventListener("click", function (event) {
    event.stopPropagation();
    stop();
  });
}());
