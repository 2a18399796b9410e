// The app's words in English and Spanish. The canvasser picks the app's language; a door
// whose people speak Spanish gets the script in Spanish.
const STRINGS = {
  en: {
    sign_in: "Sign in", email: "Email", password: "Password", sign_out: "Sign out",
    my_lists: "My lists", claim: "Claim a list", claim_code: "List code", claim_button: "Claim",
    scan: "Scan QR code", no_lists: "No lists yet. Claim one with its code.",
    doors_done: "{done} of {total} doors", open: "Open", map: "Map", list: "List",
    door: "Door {n} of {total}", target: "Target", others: "Also lives here",
    door_result: "Nobody to talk to?", person_result: "Result",
    notes: "Notes", place_notes: "About this place", add_person: "Add someone met here",
    first_name: "First name", last_name: "Last name", unit: "Unit", add: "Add",
    save_next: "Save & next door", save_back: "Save & back to list", pick_result: "Pick a result for the door or for someone.",
    waiting: "{n} waiting", attention: "{n} need attention", all_synced: "All synced",
    select: "Select doors", not_home_n: "Not home ({n})", cancel: "Cancel",
    done: "Done", queued: "Queued", back: "Back", offline: "Offline: saved on this phone",
    update_ready: "A new version is ready.", update_now: "Update",
    needs_login: "Sign in again to send your knocks (they are safe on this phone).",
    retry: "Send again", reason: "Why", outbox_title: "Knocks on this phone",
    yes: "Yes", no: "No", new_person: "New",
    claimed: "List claimed: {name}", gps_off: "No GPS",
    push_on: "Notify me about my lists", push_off: "Stop notifications",
    push_denied: "Notifications are blocked for this app in the browser's settings.",
    push_opened: "{title}: {body}",
    events: "Events", run_door: "Check-in", no_events: "No upcoming events.",
    kiosk_load_online: "Open this event once with signal: the kiosk keeps its list.",
    kiosk_counts: "{n} checked in · {waiting} waiting to send", kiosk_code: "Code (scan or type)",
    check_in: "Check in", kiosk_camera: "Scan with the camera", kiosk_camera_stop: "Stop camera",
    kiosk_no_camera: "No camera: {why}", kiosk_search: "Find by name", kiosk_in: "In",
    kiosk_walk_in: "Walk-in", kiosk_consent: "OK to send reminders", phone: "Phone",
    kiosk_door_code: "Self check-in code:", kiosk_shift: "Shift", kiosk_who_is_in: "Checked in",
    kiosk_welcome: "Welcome, {name}!", kiosk_already: "{name} is already checked in.",
    kiosk_cancelled: "{name} had cancelled: checked in anyway.",
    kiosk_unknown_code: "Code {code} is not on this kiosk's list: it is checked when sent.",
    kiosk_list: "{name}: list {list} (code {code})",
    my_shifts: "My shifts", no_shifts: "No shifts coming up.", my_qr: "My check-in QR code",
    im_here: "I'm here", door_code: "Or the code shown at the door",
    checked_in_here: "You're checked in. Thank you!", your_list: "Your list: {name}",
    no_signal: "No signal", send_now: "Send now", sending: "Sending…", sent_n: "Sent: {n}",
    talked: "Talked", outbox_waiting: "Waiting to send", outbox_sent: "Sent",
    scope_home: "This home only (#{unit})", scope_building: "The whole building",
    home_in_building: "home {home} of {homes} here", homes_on_list: "{n} homes on the list",
    kiosk_queued: "waiting to send", kiosk_sent: "sent",
    kiosk_hand_over: "Lists to hand over",
  },
  es: {
    sign_in: "Entrar", email: "Correo", password: "Contraseña", sign_out: "Salir",
    my_lists: "Mis listas", claim: "Reclamar una lista", claim_code: "Código de la lista",
    claim_button: "Reclamar", scan: "Escanear código QR",
    no_lists: "Todavía no hay listas. Reclame una con su código.",
    doors_done: "{done} de {total} puertas", open: "Abrir", map: "Mapa", list: "Lista",
    door: "Puerta {n} de {total}", target: "Objetivo", others: "También vive aquí",
    door_result: "¿Nadie con quien hablar?", person_result: "Resultado",
    notes: "Notas", place_notes: "Sobre este lugar", add_person: "Agregar a alguien",
    first_name: "Nombre", last_name: "Apellido", unit: "Unidad", add: "Agregar",
    save_next: "Guardar y siguiente", save_back: "Guardar y volver", pick_result: "Elija un resultado para la puerta o para alguien.",
    waiting: "{n} en espera", attention: "{n} necesitan atención", all_synced: "Todo enviado",
    select: "Elegir puertas", not_home_n: "No está ({n})", cancel: "Cancelar",
    done: "Hecho", queued: "En espera", back: "Volver", offline: "Sin señal: guardado en el teléfono",
    update_ready: "Hay una versión nueva.", update_now: "Actualizar",
    needs_login: "Entre de nuevo para enviar sus visitas (están seguras en el teléfono).",
    retry: "Enviar de nuevo", reason: "Motivo", outbox_title: "Visitas en este teléfono",
    yes: "Sí", no: "No", new_person: "Nuevo",
    claimed: "Lista reclamada: {name}", gps_off: "Sin GPS",
    push_on: "Avisarme de mis listas", push_off: "Dejar de avisarme",
    push_denied: "Los avisos están bloqueados para esta app en el navegador.",
    push_opened: "{title}: {body}",
    events: "Eventos", run_door: "Registro", no_events: "No hay eventos próximos.",
    kiosk_load_online: "Abra este evento una vez con señal: el quiosco guarda su lista.",
    kiosk_counts: "{n} registrados · {waiting} por enviar", kiosk_code: "Código (escanear o escribir)",
    check_in: "Registrar", kiosk_camera: "Escanear con la cámara", kiosk_camera_stop: "Apagar cámara",
    kiosk_no_camera: "Sin cámara: {why}", kiosk_search: "Buscar por nombre", kiosk_in: "Llegó",
    kiosk_walk_in: "Sin inscripción", kiosk_consent: "Acepta recordatorios", phone: "Teléfono",
    kiosk_door_code: "Código de registro propio:", kiosk_shift: "Turno", kiosk_who_is_in: "Registrados",
    kiosk_welcome: "¡Bienvenido/a, {name}!", kiosk_already: "{name} ya está registrado/a.",
    kiosk_cancelled: "{name} había cancelado: registrado/a igual.",
    kiosk_unknown_code: "El código {code} no está en la lista: se verifica al enviarlo.",
    kiosk_list: "{name}: lista {list} (código {code})",
    my_shifts: "Mis turnos", no_shifts: "No hay turnos próximos.", my_qr: "Mi código QR de registro",
    im_here: "Ya llegué", door_code: "O el código que se muestra en la puerta",
    checked_in_here: "Está registrado/a. ¡Gracias!", your_list: "Su lista: {name}",
    no_signal: "Sin señal", send_now: "Enviar ahora", sending: "Enviando…", sent_n: "Enviadas: {n}",
    talked: "Habló", outbox_waiting: "Por enviar", outbox_sent: "Enviadas",
    scope_home: "Solo este hogar (#{unit})", scope_building: "Todo el edificio",
    home_in_building: "hogar {home} de {homes} aquí", homes_on_list: "{n} hogares en la lista",
    kiosk_queued: "por enviar", kiosk_sent: "enviado",
    kiosk_hand_over: "Listas para entregar",
  },
};

let language = "en";

export function setLanguage(code) { language = STRINGS[code] ? code : "en"; }
export function currentLanguage() { return language; }

export function t(key, values = {}, lang = language) {
  const text = (STRINGS[lang] && STRINGS[lang][key]) || STRINGS.en[key] || key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

// A label in the language asked, falling back to English ("label_es" beside "label").
export function pick(item, field, lang = language) {
  return (lang === "es" && item[`${field}_es`]) || item[field];
}
