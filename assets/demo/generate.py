#!/usr/bin/env python3
"""Writes the demo API data in assets/demo/ (embedded into g2a-tui with include_str!).

Run from anywhere: `python3 assets/demo/generate.py`. The output is fully deterministic
(fixed seed, fixed times, sorted keys) so snapshot tests built on it stay stable; rerun
it and commit the JSON whenever this script changes.
"""

import json
import os
import random
import re
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
RNG = random.Random(482913657)

ACCOUNT_KEY = 7731045528
ACCOUNT_NAME = "Northwind IT"
BASE_WEB = "https://app.gotoassist.example"

DANA = ("Dana Whitfield", "dana.whitfield@northwind.example", "6120448031")
RAVI = ("Ravi Patel", "ravi.patel@northwind.example")
MEI = ("Mei Tanaka", "mei.tanaka@northwind.example")
TOMAS = ("Tomás Alvarez", "tomas.alvarez@contoso-freight.example")

D, R, M, C = DANA[0], RAVI[0], MEI[0], TOMAS[0]
SYS = D  # system lines carry the expert's name, as the real API seems to do


def iso(t, millis=False):
    if millis:
        return t.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (t.microsecond // 1000)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def utc(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


# ---------------------------------------------------------------------------
# Main session: Outlook + VPN + printer, three technicians and one customer.
# ---------------------------------------------------------------------------

def main_script():
    """(speaker, text, is_system) triples, in order."""
    s = []

    def say(who, *texts):
        for t in texts:
            s.append((who, t, False))

    def system(text):
        s.append((SYS, text, True))

    system("Dana Whitfield joined the session")
    system("Waiting for the customer to join")
    system("Tomás Alvarez joined the session")
    say(D, "Hi Tomás, this is Dana from Northwind IT. Thanks for joining.",
        "I have ticket SD-20417 open in front of me: Outlook not syncing and the VPN dropping. Is that right?")
    say(C, "Hi Dana, yes that's me", "thanks for getting back so fast")
    say(C, "Outlook hasn't pulled any new mail since yesterday afternoon and the VPN keeps kicking me out every 10 minutes or so")
    say(D, "Got it. Before we start: are you working from home or from the Rotterdam depot today?")
    say(C, "From home. Fibre connection, it's normally fine")
    say(D, "OK. I'm going to ask for screen sharing now, you'll see a prompt. Please click Allow.")
    system("Screen sharing requested by Dana Whitfield")
    say(C, "ok one sec", "clicked allow")
    system("Screen sharing started")
    say(D, "I can see your desktop now. Thanks!",
        "Could you open Outlook for me please?")
    say(C, "opening")
    say(C, "it's stuck on \"Updating Inbox\" again")
    say(D, "I see it. Bottom right says \"Disconnected\" too.",
        "Let me request remote control so I don't have to talk you through every click.")
    system("Remote control requested by Dana Whitfield")
    say(C, "allowed")
    system("Remote control granted")
    say(D, "Thanks. I'll move the mouse now, please don't type for a minute.")
    say(C, "sure")

    # Outlook diagnostics: one request/answer pair per check.
    checks = [
        ("Checking the account settings first.", "Account type is Exchange, server autodiscover looks right."),
        ("Opening the connection status window (Ctrl + right click on the tray icon).",
         "Every connection shows \"Connecting\", none \"Established\"."),
        ("Testing autodiscover from here.", "Autodiscover fails with a timeout, so it's network, not the mailbox."),
        ("Looking at the OST file size.", "The OST is 38 GB, large but under the limit."),
        ("Checking whether cached mode is on.", "Cached mode is on with 12 months, that's our default."),
        ("Having a look at the add-ins.", "Two COM add-ins, both ours, both enabled."),
    ]
    for ask, found in checks:
        say(D, ask)
        say(D, found)
        if RNG.random() < 0.5:
            say(C, RNG.choice(["ok", "right", "makes sense", "ok, I see it", "mm"]))

    # Network basics before blaming the VPN client.
    say(D, "Before we blame the VPN, a few quick network checks.")
    net = [
        ("Are you on Wi-Fi or cable?", "wifi, the router is in the hallway"),
        ("How many bars does the Wi-Fi icon show?", "full bars"),
        ("Running a speed test in the browser now.", None),
        ("312 Mbit/s down, 48 up, 9 ms ping. The line itself is fine.", "yeah it's usually fast"),
        ("Does anything else drop, e.g. Teams calls or streaming?", "no, only the VPN and then Outlook"),
        ("When it drops, does the tray icon go red or yellow?", "yellow first, then red"),
        ("And does it reconnect by itself?", "after a minute or so, then it drops again"),
        ("Checking the DNS servers the laptop gets.", None),
        ("DNS comes from the router: 192.168.178.1. Fine for home.", None),
        ("Checking the clock, certificate checks fail if it drifts.", None),
        ("Clock is in sync with time.windows.com.", None),
        ("Looking at the Windows event log for the network adapter.", None),
        ("No adapter resets, no driver crashes. Good.", "so the wifi is ok?"),
        ("Yes, the Wi-Fi looks healthy. The problem is above it.", None),
    ]
    for ask, reply in net:
        say(D, ask)
        if reply:
            say(C, reply)

    say(C, "so is it the VPN then?")
    say(D, "Very likely. Outlook needs the VPN for the on-prem Exchange hybrid endpoint. Let's look at the VPN client.")
    say(D, "Which version of Northwind Connect do you have? It's in the tray, right click > About.")
    say(C, "5.0.3 it says")
    say(D, "That's the old one. 5.2.1 fixed a reconnect loop with some home routers. That might be exactly this.")
    say(D, "I'm going to pull in Ravi from our network team, he owns the VPN gateways.")
    system("Ravi Patel joined the session")
    say(R, "Hi both. Ravi here from Network Ops.", "Dana filled me in on the ticket, let me check the gateway logs for your user.")
    say(C, "hi Ravi")
    say(R, "Tomás, what's your username? Usually first initial + surname")
    say(C, "talvarez")
    say(R, "Thanks, found it.")

    # Ravi reads the gateway log back, one line per disconnect.
    start = utc("2026-11-20T08:41:07Z")
    for i in range(9):
        t = start + timedelta(minutes=10 * i + RNG.randint(0, 3), seconds=RNG.randint(0, 59))
        say(R, "%s  talvarez  gw-ams-02  DPD timeout, tunnel torn down" % t.strftime("%H:%M:%S"))
    say(R, "So the gateway sees dead-peer-detection timeouts roughly every 10 minutes.",
        "That pattern is the NAT keepalive bug in 5.0.x, your router probably drops idle UDP mappings after 10 min.")
    say(C, "I did get a new router from my ISP last week actually")
    say(R, "That fits perfectly.")
    say(D, "OK so the plan: upgrade Northwind Connect to 5.2.1, reboot, then check Outlook. Ravi, anything to change on the gateway side?")
    say(R, "No, gateway is fine. 5.2.1 sends keepalives every 20 s which keeps the mapping open.")
    say(D, "Tomás, I'll push the installer to your machine now through the file transfer.")
    system("File transfer started: NorthwindConnect-5.2.1-x64.msi (48.2 MB)")
    for pct in (12, 27, 41, 58, 73, 88):
        say(D, "Transfer at %d%%" % pct)
        if pct == 41:
            say(C, "while we wait: will I lose my saved VPN profile?")
            say(R, "No, profiles live in %APPDATA% and the installer keeps them.")
    system("File transfer completed: NorthwindConnect-5.2.1-x64.msi")
    say(D, "Running the installer now. It will ask for admin rights, I'll enter mine.")
    system("Dana Whitfield requested elevated privileges")
    system("Elevation granted")
    steps = [
        "Uninstalling 5.0.3...",
        "Removing the old TAP adapter",
        "Installing the new network driver",
        "Windows asks whether to trust the Northwind Networks publisher, confirming",
        "Copying files",
        "Registering the service",
        "Installer finished with exit code 0",
    ]
    for st in steps:
        say(D, st)
        if RNG.random() < 0.35:
            say(C, RNG.choice(["ok", "👍", "great", "nice", "ok good"]))
    say(D, "It needs a reboot to load the new driver.",
        "The session will reconnect on its own after the restart, just log back in to Windows when it comes up.")
    say(C, "ok rebooting is fine", "should I save anything first?")
    say(D, "Good question, yes: please save the Excel sheet I see open in the taskbar.")
    say(C, "saved")
    say(D, "Rebooting now.")
    system("Dana Whitfield started a reboot of the customer's computer")
    system("Customer computer is restarting, waiting to reconnect")
    system("Reconnected after reboot")
    say(D, "Welcome back!", "Can you log in and then I'll start the VPN.")
    say(C, "logged in")
    say(D, "Connecting Northwind Connect... connected. Version shows 5.2.1 now.")
    say(R, "I see the new tunnel on gw-ams-02, keepalives arriving every 20 s 👌")
    say(D, "Opening Outlook.")
    say(C, "oh wow it's downloading everything now")
    say(D, "Yes, 214 messages since yesterday. Let it finish in the background.")
    say(C, "this is great, thank you both")
    say(R, "I'll keep the gateway log open for another 15 minutes to make sure it doesn't drop.")

    # Small talk and follow-up checks while waiting.
    waiting = [
        (C, "while we're here, can I ask about something else?"),
        (D, "Of course, go ahead."),
        (C, "my printer at home stopped working too, it says \"driver unavailable\""),
        (D, "Which printer is it?"),
        (C, "the Brother one we got from the office, HL-L2350DW I think"),
        (D, "Let me look at Printers & scanners."),
        (D, "Yes, \"Driver is unavailable\". That happens when a Windows update replaces the class driver."),
        (D, "Mei is our printing person, let me add her, she'll be faster than me with this."),
    ]
    for who, t in waiting:
        say(who, t)
    system("Mei Tanaka joined the session")
    say(M, "Hello! Mei from Workplace Services.", "Driver unavailable on an HL-L2350DW, right?")
    say(C, "yes")
    say(M, "I'll take over control from Dana for a moment if that's OK.")
    system("Remote control transferred to Mei Tanaka")
    say(M, "First let me remove the printer completely so we start clean.")
    printer_steps = [
        ("Removing the printer queue", None),
        ("Opening Print Management > All Drivers", None),
        ("Removing the \"Brother HL-L2350DW series\" driver package", "it says it's in use?"),
        ("Yes, the spooler still holds it. Restarting the Print Spooler service.", None),
        ("Spooler restarted, removing the driver package again", None),
        ("Removed.", None),
        ("Now installing the current driver from our software portal, version 10.0.17763", None),
        ("Install running", "is this going to need another reboot 😅"),
        ("No reboot for this one, promise.", None),
        ("Driver installed. Adding the printer again by its IP.", None),
        ("What IP does your router give it? It usually prints a config page if you hold Go for 5 seconds.", None),
    ]
    for step, reply in printer_steps:
        say(M, step)
        if reply:
            say(C, reply)
    say(C, "ok it printed a page", "IP address 192.168.178.43")
    say(M, "Adding 192.168.178.43 as a standard TCP/IP port.")
    say(M, "Printer added. Sending a test page now.")
    say(C, "nothing is coming out")
    say(M, "Queue shows it as \"Error - Printing\". Let me check the port.")
    say(M, "The port has SNMP status enabled, your ISP router blocks SNMP. Turning that off.")
    say(M, "Sending the test page again.")
    say(C, "it's printing!!")
    say(M, "🎉", "Could you check that the page says \"Windows Printer Test Page\" and looks clean?")
    say(C, "yes all good, a bit faded at the bottom")
    say(M, "That's the toner, it reports 8% left. I'll raise a toner order for you in the same ticket.")
    say(C, "perfect")
    say(C, "sorry, one more small one: OneDrive shows a red cross on two files")
    say(M, "I'll stay a minute then, OneDrive is mine too.")
    onedrive = [
        ("Opening the OneDrive activity panel.", None),
        ("Two files failed: \"Q4 rates (Tomás's conflicted copy).xlsx\" and \"~$Q4 rates.xlsx\".", "what are those"),
        ("The ~$ one is an Excel lock file from when the laptop was offline, safe to delete.", None),
        ("The conflicted copy was made when you edited offline and someone else edited online.", "ugh, which one is right?"),
        ("Let's compare them. Opening both side by side.", None),
        ("Yours has the new Hamburg lane rates in column F, the online one has Lisa's changes in column H.", "I need both"),
        ("Then I'll copy your column F into the online version and delete the conflicted copy. OK?", "yes please"),
        ("Column F copied, saving.", None),
        ("Saved and synced. Deleting the conflicted copy and the lock file.", None),
        ("OneDrive shows a green tick everywhere now.", "amazing"),
        ("Tip for next time: if the VPN drops, OneDrive keeps working, it doesn't need the VPN.", "good to know"),
    ]
    for step, reply in onedrive:
        say(M, step)
        if reply:
            say(C, reply)
    system("Remote control transferred to Dana Whitfield")

    # VPN soak test: Ravi reports in while Dana wraps up.
    for minute in (3, 6, 9, 12):
        say(R, "VPN check after %d minutes: tunnel up, no DPD timeouts, %d keepalives received" % (minute, minute * 3))
        if minute == 6:
            say(C, "still connected here too")
        if minute == 9:
            say(D, "Outlook finished syncing, inbox is current. Calendar updated as well.")

    long_note = (
        "Summary before we close, so it's in the ticket too: "
        "1) Northwind Connect upgraded from 5.0.3 to 5.2.1 to fix the reconnect loop caused by the new ISP router dropping idle UDP mappings after about 10 minutes; "
        "2) Outlook reconnected and synced 214 messages after the VPN was stable; "
        "3) Brother HL-L2350DW driver reinstalled cleanly (driver package removed, spooler restarted, driver 10.0.17763 installed), printer re-added on 192.168.178.43 with SNMP status disabled; "
        "4) toner order raised, you'll get an email from the webshop when it ships. "
        "If the VPN drops again in the next few days, reply to the ticket email and mention the time, Ravi can look it up in the gateway log."
    )
    say(D, long_note)
    say(C, "brilliant, thank you so much, all three of you")
    say(R, "No problem! Closing the gateway trace now.")
    system("Ravi Patel left the session")
    say(M, "Enjoy the working printer 🖨️")
    system("Mei Tanaka left the session")
    say(D, "One last thing: you'll get a short survey by email, we'd appreciate the feedback.",
        "Anything else I can help with today?")
    say(C, "no that's everything")
    say(D, "Great. I'll end the session now. Have a good afternoon, Tomás!")
    say(C, "you too, bye!")
    system("Dana Whitfield ended the session")
    return s


def filler_script(base):
    """Pads the conversation to a realistic length with the kind of chatter long
    sessions have: a mailbox walk-through, each item its own message."""
    s = []
    folders = ["Inbox", "Sent Items", "Drafts", "Archive", "Customs Clearance", "Carrier Quotes",
               "Invoices 2026", "Rotterdam Depot", "Shared: Dispatch", "Shared: Claims",
               "Calendar", "Contacts", "Tasks", "Junk Email", "RSS Feeds", "Conversation History",
               "Sync Issues", "Outbox"]
    s.append((D, "While Outlook syncs, let me walk through the folders to make sure nothing is stuck.", False))
    s.append((C, "ok", False))
    for f in folders:
        n = RNG.randint(0, 900)
        state = RNG.choice(["up to date", "up to date", "up to date", "syncing", "up to date"])
        s.append((D, "%s: %d items, %s" % (f, n, state), False))
        if f in ("Shared: Dispatch", "Shared: Claims"):
            s.append((C, "the shared ones are the important ones for me", False))
            s.append((D, "Both are there and current. They sync from the server, not the OST.", False))
        if f == "Sync Issues":
            s.append((D, "Sync Issues has old conflict notes from March, harmless. I'll leave them.", False))
    s.append((C, "thanks for checking all that", False))
    return s


def build_main():
    script = main_script()
    # The folder walk happens while Outlook syncs, after Ravi's first remark on it.
    at = next(i for i, (w, t, _) in enumerate(script) if t.startswith("I'll keep the gateway log open"))
    script = script[: at + 1] + filler_script(script) + script[at + 1:]

    # Typing chatter: short acknowledgements and multi-line pastes sprinkled in so the
    # transcript reaches the size of a real 50-minute session.
    extra_acks = ["ok", "ok, thanks", "alright", "right", "ok I see it", "got it", "👍",
                  "thanks", "sure", "mhm", "ok 👍"]
    tech_waits = ["Still working on it, bear with me.", "Nearly there.", "One moment please.",
                  "Looking good so far.", "Checking one more thing.", "Thanks, that helps."]
    padded = []
    for i, line in enumerate(script):
        padded.append(line)
        who, text, is_sys = line
        # Never after a question: an unrelated reply would read as an answer.
        if is_sys or i < 6 or i > len(script) - 5 or "?" in text:
            continue
        r = RNG.random()
        if who != C and r < 0.42:
            padded.append((C, RNG.choice(extra_acks), False))
        elif who == C and r < 0.12:
            padded.append((D, RNG.choice(tech_waits), False))

    # Multi-line messages: pasted output and a numbered list.
    ipconfig = ("Here's what ipconfig shows:\n"
                "Ethernet adapter Northwind Connect:\n"
                "   IPv4 Address. . . . . . . . . . . : 10.40.12.87\n"
                "   Subnet Mask . . . . . . . . . . . : 255.255.255.0\n"
                "   Default Gateway . . . . . . . . . :\n"
                "Wireless LAN adapter Wi-Fi:\n"
                "   IPv4 Address. . . . . . . . . . . : 192.168.178.27\n"
                "   Default Gateway . . . . . . . . . : 192.168.178.1")
    at = next(i for i, (w, t, _) in enumerate(padded) if t.startswith("Connecting Northwind Connect"))
    padded.insert(at + 1, (D, ipconfig, False))
    plan = ("Plan for the printer:\n1. remove the queue and the driver package\n"
            "2. restart the spooler\n3. install the current driver\n4. re-add it by IP and print a test page")
    at = next(i for i, (w, t, _) in enumerate(padded) if t.startswith("First let me remove the printer"))
    padded.insert(at + 1, (M, plan, False))
    ping = "\n".join(["Pinging mail.northwind.example [10.40.0.25] with 32 bytes of data:"] +
                     ["Reply from 10.40.0.25: bytes=32 time=%dms TTL=126" % RNG.randint(14, 31) for _ in range(4)] +
                     ["Packets: Sent = 4, Received = 4, Lost = 0 (0% loss)"])
    at = next(i for i, (w, t, _) in enumerate(padded) if t.startswith("I see the new tunnel"))
    padded.insert(at + 1, (D, ping, False))
    return padded


def timestamps(n, start, end, first_at):
    """n increasing times from first_at to just before end, with human-looking gaps."""
    gaps = [RNG.uniform(2.0, 14.0) if RNG.random() < 0.85 else RNG.uniform(20.0, 60.0) for _ in range(n)]
    span = (end - first_at).total_seconds() - 4.0
    scale = span / sum(gaps)
    out, t = [], first_at
    for g in gaps:
        out.append(t)
        t = t + timedelta(seconds=g * scale)
    return out


def main_session():
    started = utc("2026-11-20T14:02:11Z")
    joined = utc("2026-11-20T14:04:37Z")
    ended = utc("2026-11-20T14:53:48Z")
    session = {
        "sessionId": "482913657",
        "sessionType": "screen_sharing",
        "status": "complete",
        "accountKey": ACCOUNT_KEY,
        "expertName": DANA[0],
        "expertEmail": DANA[1],
        "expertUserKey": DANA[2],
        "partnerObject": 20417,
        "partnerObjectUrl": "https://servicedesk.northwind.example/tickets/SD-20417",
        "customerJoinUrl": "https://remote.gotoassist.example/join/482913657",
        "startedAt": iso(started),
        "customerJoinedAt": iso(joined),
        "endedAt": iso(ended),
        "customerName": TOMAS[0],
        "customerEmail": TOMAS[1],
        "notes": ("Outlook not syncing + VPN dropping every ~10 min (home, new ISP router).\n"
                  "Cause: Northwind Connect 5.0.3 NAT keepalive bug. Upgraded to 5.2.1, rebooted, Outlook synced.\n"
                  "Also: Brother HL-L2350DW \"driver unavailable\" - driver reinstalled by Mei, SNMP status off.\n"
                  "Toner order raised (8% left). Follow-up: Ravi to check gateway log on 2026-11-23."),
        "sessionRecordingUrl": BASE_WEB + "/recordings/482913657.mp4",
        "collaborators": [{"name": RAVI[0], "email": RAVI[1]}, {"name": MEI[0], "email": MEI[1]}],
    }
    script = build_main()
    # Before the customer joins only system lines happen; the conversation fills the
    # time from the join to the end.
    at = next(i for i, (w, t, _) in enumerate(script) if t == "Tomás Alvarez joined the session")
    times = (timestamps(at, started, joined, started + timedelta(seconds=3))
             + timestamps(len(script) - at, joined, ended, joined))
    events = []
    for i, ((who, text, _), t) in enumerate(zip(script, times)):
        if events and t < utc_parse(events[-1]["timeStamp"]):
            t = utc_parse(events[-1]["timeStamp"]) + timedelta(seconds=1)
        millis = i % 7 == 3
        if not millis:
            t = t.replace(microsecond=0)
        events.append({"timeStamp": iso(t, millis), "content": text, "participantName": who})
    transcript = {
        "sessionId": "482913657",
        "startTime": iso(joined),
        "endTime": iso(ended),
        "events": events,
    }
    return session, transcript


def utc_parse(s):
    if "." in s:
        return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    return utc(s)


# ---------------------------------------------------------------------------
# The other sessions.
# ---------------------------------------------------------------------------

def other_sessions():
    abandoned = {
        "sessionId": "482913711",
        "sessionType": "screen_sharing",
        "status": "abandoned",
        "accountKey": ACCOUNT_KEY,
        "expertName": RAVI[0],
        "expertEmail": RAVI[1],
        "expertUserKey": "6120448077",
        "partnerObject": 20433,
        "partnerObjectUrl": "https://servicedesk.northwind.example/tickets/SD-20433",
        "customerJoinUrl": "https://remote.gotoassist.example/join/482913711",
        "startedAt": "2026-11-20T15:10:02Z",
        "endedAt": "2026-11-20T15:25:02Z",
        "customerName": "Priya Raman",
        "customerEmail": "priya.raman@fabrikam-bio.example",
        "notes": "Customer never joined; called her mobile, no answer. Left voicemail.",
        "collaborators": [],
    }
    unattended = {
        "sessionId": "482913720",
        "sessionType": "unattended",
        "status": "complete",
        "accountKey": ACCOUNT_KEY,
        "accountName": ACCOUNT_NAME,
        "expertName": MEI[0],
        "expertEmail": MEI[1],
        "expertUserKey": "6120448102",
        "partnerObject": "CHG-1187",
        "partnerObjectUrl": "https://tracker.northwind.example/browse/CHG-1187",
        "startedAt": "2026-11-19T22:30:00Z",
        "endedAt": "2026-11-19T22:47:31Z",
        "unattendedMachineName": "NW-PRN-SRV01",
        "unattendedMachineUuid": "3f6c2a9e-81d4-4b7a-9c55-0e2d7b1f4a60",
        "notes": "Monthly patching of the print server: KB updates installed, spooler restarted, queues verified.",
        "collaborators": [],
    }
    hostile = hostile_session()
    return [abandoned, unattended, hostile[0]], hostile[1]


def hostile_session():
    esc = "\u001b"
    long_line = ("Ж" + "lorem ipsum dolor sit amet " * 200)[:5000]
    session = {
        "sessionId": "482913666",
        "sessionType": "screen_sharing",
        "status": "complete",
        "accountKey": ACCOUNT_KEY,
        "expertName": "Eve " + esc + "[2J" + esc + "[31mMallory" + esc + "[0m",
        "expertEmail": "eve" + esc + "]0;pwned\u0007@northwind.example",
        "expertUserKey": "6120449999",
        "partnerObject": "SD-66666" + "\u009b" + "2J",
        "partnerObjectUrl": "https://servicedesk.northwind.example/tickets/SD-66666" + esc + "]8;;https://evil.example\u0007click" + esc + "]8;;\u0007",
        "customerJoinUrl": "https://remote.gotoassist.example/join/482913666",
        "startedAt": "2026-11-21T09:00:00Z",
        "customerJoinedAt": "2026-11-21T09:01:30.250Z",
        "endedAt": "2026-11-21T09:20:00+01:00",
        "customerName": "\u202eresu\u202c 李小龙 🐉 محمد",
        "customerEmail": "li" + "\u0008\u0008\u0008" + "root@tailspin.example",
        "notes": ("Line one\r\nLine two with a tab\there\n" + esc + "]52;c;ZWNobyBwd25lZA==\u0007clipboard"
                  + "\nDEL:\u007f BEL:\u0007 C1:\u009b31m NUL-free\n" + "שלום עולם — مرحبا بالعالم"),
        "sessionRecordingUrl": "javascript:alert(1)",
        "collaborators": [
            {"name": "Zero\u200bWidth \u202eTrojan", "email": "z@tailspin.example"},
            "just a string",
            {"role": "observer", "team": "Red " + esc + "[5mblink"},
        ],
    }
    lines = [
        ("Eve Mallory", "Eve Mallory joined the session"),
        ("李小龙", "你好，我的电脑无法连接到打印机。请帮忙！"),
        ("Eve Mallory", "Clearing your screen " + esc + "[2J" + esc + "[H now"),
        ("Eve Mallory", esc + "]0;pwned\u0007Window title changed?"),
        ("李小龙", "Clipboard " + esc + "]52;c;cm0gLXJmIH4=\u0007 written?"),
        ("Eve Mallory", "C1 CSI \u009b31mred\u009b0m and BEL\u0007\u0007\u0007"),
        ("李小龙", "password: hunter2\u0008\u0008\u0008\u0008\u0008\u0008\u0008*******"),
        ("Eve Mallory", "DEL here:\u007f\u007f and a NUL-like \u0001\u0002\u0003 control run"),
        ("محمد", "مرحبا، هل يمكنك مساعدتي في إعداد البريد الإلكتروني؟"),
        ("דוד", "שלום, ה-VPN לא עובד מאז הבוקר"),
        ("Eve Mallory", "Bidi: \u202eexe.txt\u202c and \u2066isolate\u2069 and \u200fRLM"),
        ("李小龙", "🐉🔥👨‍👩‍👧‍👦🇯🇵 emoji with ZWJ and flags; wide: ｆｕｌｌｗｉｄｔｈ"),
        ("Eve " + esc + "[1mBold" + esc + "[0m", "participant name with escapes"),
        ("Eve Mallory", "multi\nline\r\nwith CR\rcarriage return overwrite"),
        ("李小龙", long_line),
        ("Eve Mallory", "combining: e\u0301 a\u0308 Z\u0335\u0321\u0322a\u0336\u0328l\u0337\u0327g\u0338o"),
        ("Eve Mallory", "Eve Mallory ended the session"),
    ]
    t0 = utc("2026-11-21T09:01:31Z")
    events = []
    for i, (who, text) in enumerate(lines):
        events.append({"timeStamp": iso(t0 + timedelta(seconds=17 * i)), "content": text, "participantName": who})
    transcript = {"sessionId": "482913666", "startTime": "2026-11-21T09:01:30.250Z",
                  "endTime": "2026-11-21T08:20:00Z", "events": events}
    return session, transcript


# ---------------------------------------------------------------------------
# Sessions whose times follow the server clock (offsets in seconds from start).
# ---------------------------------------------------------------------------

def live():
    active = {
        "session": {
            "sessionId": "482913700",
            "sessionType": "screen_sharing",
            "status": "active",
            "accountKey": ACCOUNT_KEY,
            "expertName": RAVI[0],
            "expertEmail": RAVI[1],
            "expertUserKey": "6120448077",
            "partnerObject": 20451,
            "partnerObjectUrl": "https://servicedesk.northwind.example/tickets/SD-20451",
            "customerJoinUrl": "https://remote.gotoassist.example/join/482913700",
            "customerName": "Grace Okafor",
            "customerEmail": "grace.okafor@adventure-works.example",
            "notes": "Laptop very slow since the weekend; suspect disk full.",
            "collaborators": [],
        },
        "startedAt": -600,
        "customerJoinedAt": -540,
    }
    waiting = {
        "session": {
            "sessionId": "482913730",
            "sessionType": "screen_sharing",
            "status": "waiting",
            "accountKey": ACCOUNT_KEY,
            "expertName": DANA[0],
            "expertEmail": DANA[1],
            "expertUserKey": DANA[2],
            "partnerObject": 20455,
            "partnerObjectUrl": "https://servicedesk.northwind.example/tickets/SD-20455",
            "customerJoinUrl": "https://remote.gotoassist.example/join/482913730",
            "customerName": "Sven Lindqvist",
            "customerEmail": "sven.lindqvist@litware.example",
            "collaborators": [],
        },
        "startedAt": -90,
    }
    not_started = {
        "session": {
            "sessionId": "482913740",
            "sessionType": "screen_sharing",
            "status": "notStarted",
            "accountKey": ACCOUNT_KEY,
            "expertName": MEI[0],
            "expertEmail": MEI[1],
            "expertUserKey": "6120448102",
            "partnerObject": 20460,
            "partnerObjectUrl": "https://servicedesk.northwind.example/tickets/SD-20460",
            "customerJoinUrl": "https://remote.gotoassist.example/join/482913740",
            "customerName": "Aiko Mori",
            "customerEmail": "aiko.mori@wingtip-toys.example",
            "collaborators": [],
        },
    }
    G, RV = "Grace Okafor", RAVI[0]
    base = [
        (-598, RV, "Ravi Patel joined the session"),
        (-541, RV, "Grace Okafor joined the session"),
        (-530, RV, "Hi Grace, Ravi from Northwind IT here. I hear the laptop is very slow?"),
        (-512, G, "Hi Ravi, yes, everything takes forever since Saturday"),
        (-470, RV, "I'm looking at Task Manager now. Disk is at 100% and C: has 1.2 GB free."),
        (-455, G, "is that bad?"),
        (-430, RV, "It's the cause, Windows has no room for its page file. Let's free up space."),
        (-380, RV, "Running Disk Cleanup with the system files option."),
        (-300, G, "ok"),
        (-220, RV, "The Downloads folder has 41 GB, mostly old installers and a few videos."),
        (-200, G, "oh, those are from the trade fair, they're on SharePoint too"),
        (-150, RV, "Great, then I'll move them to the Recycle Bin and you can empty it when you're sure."),
        (-90, G, "done, emptied it"),
        (-40, RV, "C: now has 44 GB free. Let's give it a minute to settle."),
    ]
    pool = [
        (RV, "Disk activity is dropping, 35% now."),
        (G, "it does feel a bit quicker already"),
        (RV, "Checking startup apps next."),
        (RV, "There are 14 apps starting with Windows. I'll disable the ones you don't need."),
        (G, "I don't know what half of them are tbh"),
        (RV, "No problem, I'll only touch the obvious ones: two updaters and a game launcher."),
        (G, "the game launcher is my son's 🙈"),
        (RV, "Ha, I'll just stop it from starting automatically, it'll still work."),
        (RV, "Now running a quick health check on the disk."),
        (RV, "SMART status OK, no reallocated sectors."),
        (G, "good to hear"),
        (RV, "Installing the pending Windows updates too, they were stuck for lack of space."),
        (RV, "Update progress: 30%"),
        (RV, "Update progress: 65%"),
        (RV, "Update progress: 100%, a restart will be needed tonight."),
        (G, "I can restart at lunch"),
        (RV, "Perfect. Anything else slow that I should look at while I'm here?"),
        (G, "Teams takes ages to open"),
        (RV, "Let me clear the Teams cache, that usually helps after a disk-full episode."),
        (RV, "Teams cache cleared. Try opening it now?"),
        (G, "opened in like 5 seconds!"),
        (RV, "Excellent. I'll stay connected a little longer to watch the disk."),
    ]
    transcript = {
        "sessionId": "482913700",
        "intervalSecs": 4,
        "base": [{"offset": o, "participantName": w, "content": c} for o, w, c in base],
        "pool": [{"participantName": w, "content": c} for w, c in pool],
    }
    return {"sessions": [active, waiting, not_started], "transcripts": {"482913700": transcript}}


# ---------------------------------------------------------------------------
# The session history the list endpoint serves: times are offsets in seconds from the
# server start (like live.json), so the list always has a last week and an older past.
# ---------------------------------------------------------------------------

JONAS = ("Jonas Berg", "jonas.berg@northwind.example", "6120448150")
AISHA = ("Aisha Khan", "aisha.khan@northwind.example", "6120448163")
EXPERTS = {
    "dana": DANA,
    "ravi": (RAVI[0], RAVI[1], "6120448077"),
    "mei": (MEI[0], MEI[1], "6120448102"),
    "jonas": JONAS,
    "aisha": AISHA,
}

HOUR, DAY = 3600, 86400

# (id, status, expert, customer, e-mail, ticket or None, start offset, minutes to join or None,
#  length in minutes or None while running, notes or None)
HISTORY = [
    ("482913752", "waiting", "mei", "Lukas Novak", "lukas.novak@proseware.example",
     20462, -4 * 60, None, None, None),
    ("482913748", "active", "jonas", "Fatima Haddad", "fatima.haddad@tailspin.example",
     20461, -35 * 60, 2, None, "Teams keeps asking for the password after the MFA change."),
    ("482913745", "notStarted", "aisha", "Owen Gallagher", "owen.gallagher@litware.example",
     20459, -50 * 60, None, None, None),
    ("482913701", "complete", "aisha", "Hannah Schmidt", "hannah.schmidt@contoso-freight.example",
     20449, -3 * HOUR, 3, 42, "Windows Update 0x80070005: permissions on SoftwareDistribution reset."),
    ("482913689", "complete", "dana", "Mateo Rossi", "mateo.rossi@wingtip-toys.example",
     20446, -DAY - 2 * HOUR, 1, 18, "Shared mailbox added to Outlook."),
    ("482913681", "abandoned", "jonas", "Chloé Martin", "chloe.martin@fabrikam-bio.example",
     20444, -DAY - 6 * HOUR, None, 15, "Customer did not join; e-mailed the join link again."),
    ("482913672", "complete", "mei", "Kwame Mensah", "kwame.mensah@adventure-works.example",
     20440, -2 * DAY - 3 * HOUR, 4, 65, "KB-5034441 fails with 0x80070643: WinRE partition resized."),
    ("482913664", "complete", "ravi", "Sofia Lindgren", "sofia.lindgren@litware.example",
     "CHG-1190", -3 * DAY - 1 * HOUR, 2, 27, "BitLocker recovery key looked up and entered."),
    ("482913655", "abandoned", "dana", "Yusuf Demir", "yusuf.demir@proseware.example",
     None, -3 * DAY - 7 * HOUR, None, 15, None),
    ("482913648", "complete", "aisha", "Emma Thompson", "emma.thompson@tailspin.example",
     20431, -4 * DAY - 2 * HOUR, 1, 33, "Printer offline after the router swap: new IP reserved."),
    ("482913640", "complete", "jonas", "Raj Malhotra", "raj.malhotra@contoso-freight.example",
     20428, -5 * DAY - 5 * HOUR, 6, 12, None),
    ("482913633", "complete", "mei", "Ingrid Johansson", "ingrid.johansson@wingtip-toys.example",
     20425, -6 * DAY - 4 * HOUR, 2, 51, "OneDrive sync conflicts cleaned up."),
    ("482913610", "complete", "ravi", "Daniel Okoye", "daniel.okoye@adventure-works.example",
     20398, -9 * DAY - 3 * HOUR, 3, 38, "VPN error 809 at the hotel: switched to the SSL profile."),
    ("482913597", "abandoned", "aisha", "Lucía Fernández", "lucia.fernandez@fabrikam-bio.example",
     20390, -11 * DAY - 2 * HOUR, None, 15, None),
    ("482913581", "complete", "dana", "Peter Kowalski", "peter.kowalski@litware.example",
     20377, -13 * DAY - 6 * HOUR, 2, 24, "Second monitor not detected: dock firmware updated."),
    ("482913560", "complete", "jonas", "Hannah Schmidt", "hannah.schmidt@contoso-freight.example",
     20355, -17 * DAY - 1 * HOUR, 1, 46, "KB-5034441 again on a second laptop; same fix."),
    ("482913538", "complete", "mei", "Noah Williams", "noah.williams@proseware.example",
     "CHG-1172", -21 * DAY - 5 * HOUR, 5, 19, None),
    ("482913511", "complete", "ravi", "Amara Nwosu", "amara.nwosu@tailspin.example",
     20318, -26 * DAY - 2 * HOUR, 2, 57, "Access denied 0x80070005 on the shared drive: group membership fixed."),
    ("482913490", "abandoned", "dana", "Olivia Brown", "olivia.brown@wingtip-toys.example",
     20301, -30 * DAY - 4 * HOUR, None, 15, None),
    ("482913467", "complete", "aisha", "Tomás Alvarez", "tomas.alvarez@contoso-freight.example",
     20280, -34 * DAY - 3 * HOUR, 2, 31, "Print spooler crashing: HP universal driver replaced."),
    ("482913442", "complete", "jonas", "Mei-Ling Chen", "mei-ling.chen@adventure-works.example",
     20262, -39 * DAY - 1 * HOUR, 3, 22, None),
]

# Transcripts of some of them: (minutes after the customer joined, "x" for the expert or
# "c" for the customer, text). Phrases such as error codes are there to be searched for.
HISTORY_CHATS = {
    "482913748": [
        (0, "x", "Hi Fatima, Jonas here. Teams keeps asking for your password?"),
        (1, "c", "yes, every time I open it since Monday"),
        (3, "x", "That started with the MFA change. Let me sign you out of Teams completely."),
        (6, "x", "Now clearing the Teams credentials from Credential Manager."),
        (8, "c", "ok it asked for the authenticator code now"),
    ],
    "482913701": [
        (0, "x", "Hi Hannah, Aisha from Northwind IT. Windows Update is failing?"),
        (1, "c", "yes it says error 0x80070005 every night"),
        (3, "x", "0x80070005 is access denied. Something changed the permissions on the update folders."),
        (7, "x", "I'm stopping the update service and renaming C:\\Windows\\SoftwareDistribution."),
        (12, "c", "the screen went black for a second"),
        (13, "x", "That's fine, it was the service restarting."),
        (20, "x", "Running Windows Update again now."),
        (34, "x", "All 3 updates installed. A restart is needed tonight."),
        (38, "c", "great, thank you!"),
    ],
    "482913689": [
        (0, "x", "Hi Mateo, Dana here. You need the sales shared mailbox in Outlook?"),
        (2, "c", "yes, sales@ please"),
        (6, "x", "Added. Restart Outlook and it will appear under your own mailbox."),
        (12, "c", "I see it, thanks"),
    ],
    "482913672": [
        (0, "x", "Hi Kwame, Mei from Northwind IT. The security update keeps failing?"),
        (2, "c", "KB-5034441 fails with 0x80070643 every time, it retries every day"),
        (5, "x", "That update needs 250 MB more in the recovery partition (WinRE). Yours is too small."),
        (15, "x", "Disabling WinRE with reagentc /disable before resizing."),
        (30, "x", "Shrunk C: by 250 MB and grew the recovery partition."),
        (41, "x", "reagentc /enable says the recovery environment is enabled again."),
        (52, "x", "KB-5034441 installed successfully."),
        (60, "c", "finally, it's been nagging me for weeks"),
    ],
    "482913664": [
        (0, "x", "Hi Sofia, Ravi here. The laptop asks for a BitLocker recovery key?"),
        (1, "c", "yes, after the BIOS update this morning"),
        (4, "x", "I found the recovery key in our directory. Key ID starts with 6A1F."),
        (9, "x", "Please type these eight groups of digits, I'll read them out one by one."),
        (20, "c", "it's booting!"),
        (24, "x", "I've suspended BitLocker once so the next restart won't ask again."),
    ],
    "482913648": [
        (0, "x", "Hi Emma, Aisha here. The printer shows offline since the new router?"),
        (2, "c", "yes the Brother in the office, nothing prints"),
        (8, "x", "The router gave the printer a new address. I've reserved 192.168.1.40 for it."),
        (15, "x", "Printer port updated, test page sent."),
        (17, "c", "it printed!"),
    ],
    "482913610": [
        (0, "x", "Hi Daniel, Ravi from Northwind IT. The VPN fails at the hotel?"),
        (1, "c", "error 809, the network connection could not be established"),
        (6, "x", "The hotel blocks IPsec. Switching you to the SSL profile on port 443."),
        (15, "x", "Connected over SSL. Can you open the intranet?"),
        (18, "c", "yes, works"),
    ],
    "482913560": [
        (0, "x", "Hi Hannah, Jonas here. Another KB-5034441 failure on the second laptop?"),
        (2, "c", "yes same 0x80070643 as Kwame had"),
        (6, "x", "Same fix then: resize the WinRE partition and retry the update."),
        (38, "x", "KB-5034441 is installed."),
        (44, "c", "thanks Jonas"),
    ],
    "482913511": [
        (0, "x", "Hi Amara, Ravi here. You can't open the projects share?"),
        (2, "c", "access denied, error 0x80070005 when I open P:"),
        (10, "x", "Your account is missing from the Projects-RW group since the reorganisation."),
        (16, "x", "Added you back. Please sign out and in again so the new group applies."),
        (25, "c", "P: opens again"),
    ],
    "482913467": [
        (0, "x", "Hi Tomás, Aisha here. The print spooler keeps stopping?"),
        (2, "c", "yes, every time I print a PDF the spooler crashes"),
        (9, "x", "The crash log points at an old HP driver. Replacing it with the universal print driver."),
        (22, "x", "Driver replaced and the print spooler restarted. Try the PDF again?"),
        (26, "c", "printed fine"),
    ],
}


def history_session(row):
    sid, status, expert, customer, email, ticket, start, join, minutes, notes = row
    name, mail, key = EXPERTS[expert]
    session = {
        "sessionId": sid,
        "sessionType": "screen_sharing",
        "status": status,
        "accountKey": ACCOUNT_KEY,
        "expertName": name,
        "expertEmail": mail,
        "expertUserKey": key,
        "customerJoinUrl": "https://remote.gotoassist.example/join/" + sid,
        "customerName": customer,
        "customerEmail": email,
        "collaborators": [],
    }
    if isinstance(ticket, int):
        session["partnerObject"] = ticket
        session["partnerObjectUrl"] = "https://servicedesk.northwind.example/tickets/SD-%d" % ticket
    elif ticket:
        session["partnerObject"] = ticket
        session["partnerObjectUrl"] = "https://tracker.northwind.example/browse/" + ticket
    if notes:
        session["notes"] = notes
    out = {"session": session, "startedAt": start}
    if join is not None:
        out["customerJoinedAt"] = start + join * 60
    if minutes is not None:
        out["endedAt"] = start + minutes * 60
    return out


def history():
    sessions = [history_session(r) for r in HISTORY]
    joined = {s["session"]["sessionId"]: s.get("customerJoinedAt") for s in sessions}
    experts = {r[0]: EXPERTS[r[2]][0] for r in HISTORY}
    customers = {r[0]: r[3] for r in HISTORY}
    transcripts = {}
    for sid, chat in HISTORY_CHATS.items():
        base = joined[sid]
        lines = [{"offset": base - 60, "participantName": experts[sid],
                  "content": experts[sid] + " joined the session"},
                 {"offset": base, "participantName": experts[sid],
                  "content": customers[sid] + " joined the session"}]
        for minute, who, text in chat:
            lines.append({"offset": base + minute * 60 + 20,
                          "participantName": experts[sid] if who == "x" else customers[sid],
                          "content": text})
        transcripts[sid] = {"sessionId": sid, "base": lines}
    return {"sessions": sessions, "transcripts": transcripts}


def links():
    return [
        {
            "systemName": "Northwind ServiceDesk",
            "systemDomain": "helpdesk.northwind.example",
            "userEmail": DANA[1],
            "userToken": "nw-7f3a9c21e84b4d0f9a6c3b5e1d2f8a47",
            "callbackURL": "https://servicedesk.northwind.example/integrations/gotoassist/callback",
            "supportedCallbacks": {"createObject": True, "searchObjects": True, "associateObject": True},
        },
        {
            "systemName": "Northwind Tracker (Jira)",
            "systemDomain": "helpdesk.northwind.example",
            "userEmail": DANA[1],
            "userToken": "nw-jr-4b9e0d6a7c3f41e2b8d5a9c0f1e6d372",
            "callbackURL": "https://tracker.northwind.example/rest/gotoassist/1.0/callback",
            "supportedCallbacks": {"createObject": True, "searchObjects": True, "associateObject": False},
        },
        {
            "systemName": "Northwind Asset Inventory",
            "systemDomain": "helpdesk.northwind.example",
            "userEmail": "svc-g2a@northwind.example",
            "userToken": "nw-as-0c5d8e2f9a1b4c7d6e3f0a9b8c7d6e5f",
            "callbackURL": "https://assets.northwind.example/api/g2a/callback",
            "supportedCallbacks": {"createObject": False, "searchObjects": True, "associateObject": False},
        },
    ]


def write(name, value):
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        # Readable UTF-8, except invisible and terminal-control characters, which are
        # escaped so that viewing these files in a terminal or an editor is harmless.
        text = json.dumps(value, ensure_ascii=False, indent=1)
        text = re.sub("[\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]",
                      lambda m: "\\u%04x" % ord(m.group(0)), text)
        f.write(text + "\n")


def main():
    main_s, main_t = main_session()
    others, hostile_t = other_sessions()
    write("sessions.json", [main_s] + others)
    write("transcripts.json", {"482913657": main_t, "482913666": hostile_t})
    write("live.json", live())
    write("history.json", history())
    write("links.json", links())
    print("main transcript: %d events" % len(main_t["events"]))


if __name__ == "__main__":
    main()
