// A phone's or laptop's camera as a code reader: the browser's BarcodeDetector where it has
// one (QR codes and the sheets' Code 39 barcodes), else the canvassing app's own jsQR (QR
// codes only: the sheets carry both). Hand scanners need none of this: they type the code
// and Enter into whatever input has the focus.
/* global BarcodeDetector, jsQR */

const QR_READER = "/app/vendor/jsqr/jsQR.js";  // the app's copy: one jsQR for both
let camera = null;

function loadScript(src) {
  if (document.querySelector(`script[src="${src}"]`)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const script = Object.assign(document.createElement("script"), { src });
    script.onload = resolve;
    script.onerror = () => reject(new Error("The code reader did not load."));
    document.head.append(script);
  });
}

async function detector() {
  if (!("BarcodeDetector" in window)) return null;
  const known = await BarcodeDetector.getSupportedFormats().catch(() => []);
  const formats = ["qr_code", "code_39"].filter((f) => known.includes(f));
  return formats.length ? new BarcodeDetector({ formats }) : null;
}

export const isScanning = () => camera !== null;

// Read codes from the camera into ``onCode`` until stopScanning(); one held in view is read
// once, not at every frame.
export async function startScanning(video, onCode) {
  camera = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
  video.srcObject = camera;
  video.hidden = false;
  await video.play();
  const native = await detector();
  if (!native) await loadScript(QR_READER);
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });
  const stream = camera;
  let last = "";
  let lastAt = 0;
  const tick = async () => {
    if (camera !== stream) return;
    let text = null;
    if (video.readyState >= 2 && video.videoWidth) {
      if (native) {
        const found = await native.detect(video).catch(() => []);
        text = found.length ? found[0].rawValue : null;
      } else {
        canvas.width = video.videoWidth;
        canvas.height = video.videoHeight;
        context.drawImage(video, 0, 0);
        const image = context.getImageData(0, 0, canvas.width, canvas.height);
        const found = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
        text = found ? found.data : null;
      }
    }
    if (text && (text !== last || Date.now() - lastAt > 3000)) {
      last = text;
      lastAt = Date.now();
      await onCode(text);
    }
    setTimeout(tick, 120);
  };
  tick();
}

export function stopScanning(video) {
  if (camera) for (const track of camera.getTracks()) track.stop();
  camera = null;
  if (video) {
    video.srcObject = null;
    video.hidden = true;
  }
}
