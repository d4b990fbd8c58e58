// The command line's own strings in English, Chinese and Urdu: one table. Labels of the
// domain's codes and of the common fields come from the core (dosti::Label) so that every
// front end says the same; this table adds what only the CLI shows. Error and warning
// messages stay English (they come from the core, which UIs translate by code), and so do
// the "error:" and "warning:" prefixes scripts look for.
#include <string>
#include <string_view>

#include "cli_internal.h"

namespace dosti::cli {
namespace {

struct Text {
  std::string_view key, en, zh, ur;
};

constexpr Text kTexts[] = {
    // [SECTION] Words
    {"yes", "yes", "是", "ہاں"},
    {"no", "no", "否", "نہیں"},
    {"none", "(none)", "（无）", "(کچھ نہیں)"},
    {"total", "Total", "合计", "کل"},
    {"unassigned", "(unassigned)", "（未分配）", "(غیر تفویض شدہ)"},

    // [SECTION] Results of commands
    {"init.done", "Workspace created.", "工作区已创建。", "ورک اسپیس بن گئی۔"},
    {"enterprise.added", "Added enterprise", "已添加企业", "ادارہ شامل کیا گیا"},
    {"enterprise.saved", "Saved enterprise", "已保存企业", "ادارہ محفوظ کیا گیا"},
    {"enterprise.archived", "Archived enterprise", "已归档企业", "ادارہ آرکائیو کیا گیا"},
    {"enterprise.unarchived", "Restored enterprise", "已恢复企业", "ادارہ بحال کیا گیا"},
    {"identifier.added", "Added identifier", "已添加证照号码", "شناختی نمبر شامل کیا گیا"},
    {"contact.added", "Added contact", "已添加联系人", "رابطہ شامل کیا گیا"},
    {"service.added", "Logged service", "已记录服务", "خدمت درج کی گئی"},
    {"service.follow_up", "Follow-up due", "跟进到期日", "فالو اپ کی تاریخ"},
    {"followup.added", "Added follow-up", "已添加跟进", "فالو اپ شامل کیا گیا"},
    {"followup.done", "Follow-up done", "跟进已完成", "فالو اپ مکمل"},
    {"enroll.done", "Enrollment", "报名记录", "اندراج"},
    {"match.added", "Proposed match", "已提议对接", "میچ تجویز کیا گیا"},
    {"match.staged", "Match", "对接", "میچ"},
    {"import.done", "Imported {0} of {1} rows.", "已导入 {0} 行（共 {1} 行）。",
     "{1} میں سے {0} قطاریں درآمد کی گئیں۔"},
    {"export.done", "Wrote {0} files:", "已写入 {0} 个文件：", "{0} فائلیں لکھی گئیں:"},
    {"demo.done", "Wrote {0} demo records.", "已写入 {0} 条演示记录。",
     "{0} ڈیمو ریکارڈ لکھے گئے۔"},
    {"sep.colon", ": ", "：", ": "},
    {"sep.end", ".", "。", "۔"},

    // [SECTION] Duplicates and replication
    {"duplicates.hint", "Merge with: dosti duplicates merge KEEP_ID OTHER_ID",
     "合并：dosti duplicates merge KEEP_ID OTHER_ID",
     "ضم کرنے کے لیے: dosti duplicates merge KEEP_ID OTHER_ID"},
    {"duplicates.merged", "Merged {0} into {1}.", "已将 {0} 合并到 {1}。",
     "{0} کو {1} میں ضم کر دیا گیا۔"},
    {"duplicates.unmerged", "{0} is its own record again.", "{0} 已恢复为独立记录。",
     "{0} دوبارہ الگ ریکارڈ ہے۔"},
    {"conflict.heading", "Conflict {0}: {1}", "冲突 {0}：{1}", "تنازع {0}: {1}"},
    {"conflict.subject", "{0} ({2}) of {1}", "记录 {1} 的{2}（{0}）", "{1} کا {2} ({0})"},
    {"conflict.device", "device", "设备", "آلہ"},
    {"conflict.shown", "(shown)", "（当前显示）", "(دکھایا جا رہا ہے)"},
    {"conflict.empty", "(empty)", "（空）", "(خالی)"},
    {"conflicts.hint", "Resolve with: dosti conflicts resolve ID --keep N (or --value TEXT)",
     "解决：dosti conflicts resolve ID --keep N（或 --value TEXT）",
     "حل کرنے کے لیے: dosti conflicts resolve ID --keep N (یا --value TEXT)"},
    {"conflict.resolved", "Resolved conflict {0}: {1} is now {2}", "已解决冲突 {0}：{1}现为 {2}",
     "تنازع {0} حل ہو گیا: {1} اب {2} ہے"},
    {"replica.done", "Joined the workspace as a further device.", "已作为新设备加入工作区。",
     "ورک اسپیس میں ایک اور آلے کے طور پر شامل ہو گئے۔"},
    {"replica.next",
     "Its records arrive with: dosti changes import FILE (a changes file from a member device)",
     "记录通过以下命令导入：dosti changes import FILE（由已加入的设备导出的变更文件）",
     "ریکارڈ اس سے آئیں گے: dosti changes import FILE (کسی رکن آلے کی تبدیلیوں کی فائل)"},
    {"changes.exported", "Wrote {0} {3} ({1} bytes) to {2}.",
     "已将 {0} 个变更集（{1} 字节）写入 {2}。", "{0} تبدیلی سیٹ ({1} بائٹ) {2} میں لکھے گئے۔"},
    {"changes.imported", "Applied {0} {4} ({1} {5}), {2} already here, {3} held",
     "已应用 {0} 个提交（{1} 处更改），{2} 个已存在，{3} 个暂缓",
     "{0} کمٹ لاگو ہوئے ({1} تبدیلیاں)، {2} پہلے سے موجود، {3} روکے گئے"},
    {"changes.frontier", "Wrote the frontier ({0} {2}) to {1}.",
     "已将同步进度（{0} 台设备）写入 {1}。", "فرنٹیئر ({0} آلات) {1} میں لکھا گیا۔"},
    {"held.released", "Applied {0} {3} ({1} {4}), {2} still held",
     "已应用 {0} 个提交（{1} 处更改），仍有 {2} 个暂缓",
     "{0} کمٹ لاگو ہوئے ({1} تبدیلیاں)، {2} اب بھی روکے ہوئے"},
    {"held.still", "Still waiting from before", "此前暂缓的仍在等待", "پہلے سے منتظر"},
    {"held.accepted", "(accepted)", "（已接受）", "(قبول شدہ)"},

    // [SECTION] info
    {"info.database", "Database", "数据库", "ڈیٹا بیس"},
    {"info.missing", "does not exist yet", "尚不存在", "ابھی موجود نہیں"},
    {"info.initialised", "Initialised", "已初始化", "شروع شدہ"},
    {"info.workspace", "Workspace", "工作区", "ورک اسپیس"},
    {"info.office", "Office", "办公室", "دفتر"},
    {"info.device", "Device", "设备", "آلہ"},
    {"info.programme", "Programme", "项目", "پروگرام"},
    {"info.programme_value", "DH-2023 (targets CN 100 · PK 100)",
     "DH-2023（目标：中国 100 · 巴基斯坦 100）", "DH-2023 (ہدف: چین 100 · پاکستان 100)"},
    {"info.not_received", "(not received yet: dosti changes import FILE)",
     "（尚未收到：dosti changes import FILE）", "(ابھی موصول نہیں: dosti changes import FILE)"},
    {"info.schema", "Schema version", "数据库结构版本", "اسکیما ورژن"},
    {"info.run_init", "Run: dosti init --office beijing|islamabad",
     "请运行：dosti init --office beijing|islamabad",
     "چلائیں: dosti init --office beijing|islamabad"},

    // [SECTION] Report headings
    {"report.progress", "Progress to 100", "百家进度", "100 کی جانب پیش رفت"},
    {"report.selected_or_later", "Selected, active or completed", "入选、服务中或已完成",
     "منتخب، فعال یا مکمل"},
    {"report.services", "Services by category", "按类别统计的服务", "زمرہ وار خدمات"},
    {"report.services_note", "Final service logs only; CN/PK by home country, offices by provider.",
     "仅统计已定稿的服务记录；中国/巴基斯坦按企业所属国，办公室按服务提供方。",
     "صرف حتمی اندراجات؛ چین/پاکستان ادارے کے ملک کے مطابق، دفاتر خدمت فراہم کنندہ کے مطابق۔"},
    {"report.funnel", "Matchmaking funnel", "对接漏斗", "میچ میکنگ کا خاکہ"},
    {"report.followups", "Follow-ups", "跟进事项", "فالو اپ"},
    {"report.quality", "Data quality", "数据质量", "ڈیٹا کا معیار"},
    {"report.coverage", "Coverage: selected enterprises without a service",
     "覆盖：未获服务的入选企业", "کوریج: منتخب ادارے جنہیں کوئی خدمت نہیں ملی"},
    {"report.landing", "Landing in the target country", "在目标国落地情况", "ہدف ملک میں قیام"},

    // [SECTION] help
    {"help.title", "dosti: records of the China–Pakistan Double Hundred Enterprises programme",
     "dosti：中巴“双百企业”合作项目记录系统",
     "dosti: پاک چین ڈبل ہنڈریڈ انٹرپرائزز پروگرام کے ریکارڈ"},
    {"help.globals", "(global options may also follow the command)", "（全局选项也可放在命令之后）",
     "(عمومی آپشنز کمانڈ کے بعد بھی آ سکتے ہیں)"},
    {"help.exit", "Exit status: 0 done; 1 refused or failed (one line on stderr); 2 usage.",
     "退出码：0 成功；1 被拒绝或失败（stderr 上一行说明）；2 用法错误。",
     "ایگزٹ اسٹیٹس: 0 مکمل؛ 1 مسترد یا ناکام (stderr پر ایک سطر)؛ 2 غلط استعمال۔"},
    {"help.init",
     "Create the workspace: this device's office, programme DH-2023 (targets 100/100).",
     "创建工作区：本设备所属办公室，项目 DH-2023（目标 100/100）。",
     "ورک اسپیس بنائیں: اس آلے کا دفتر، پروگرام DH-2023 (ہدف 100/100)۔"},
    {"help.info", "Show the workspace, office, device and schema version.",
     "显示工作区、办公室、设备和数据库结构版本。", "ورک اسپیس، دفتر، آلہ اور اسکیما ورژن دکھائیں۔"},
    {"help.help", "Show this help, or one command's.", "显示本帮助或某个命令的帮助。",
     "یہ مدد یا کسی ایک کمانڈ کی مدد دکھائیں۔"},
    {"help.version", "Show the version.", "显示版本。", "ورژن دکھائیں۔"},
    {"help.enterprise_add", "Add an enterprise with its identifiers; prints its id and warnings.",
     "添加企业及其证照号码；输出编号和警告。",
     "ادارہ اور اس کے شناختی نمبر شامل کریں؛ شناخت اور انتباہات دکھاتا ہے۔"},
    {"help.enterprise_get", "Show every field of an enterprise, its identifiers and enrollment.",
     "显示企业的全部字段、证照号码和报名状态。",
     "ادارے کے تمام خانے، شناختی نمبر اور اندراج دکھائیں۔"},
    {"help.enterprise_set", "Change one field (a key of `enterprise get --json`); \"\" clears it.",
     "修改一个字段（`enterprise get --json` 中的键）；\"\" 表示清空。",
     "ایک خانہ تبدیل کریں (`enterprise get --json` کی کلید)؛ \"\" اسے خالی کرتا ہے۔"},
    {"help.enterprise_list", "List enterprises, by country or search text.",
     "列出企业，可按国家或搜索词筛选。", "اداروں کی فہرست، ملک یا تلاش کے لحاظ سے۔"},
    {"help.enterprise_search",
     "\"Already ours?\": by identifier, phone, e-mail, WeChat or name; says why each matched.",
     "“是否已登记？”：按证照号码、电话、邮箱、微信或名称搜索，并说明匹配原因。",
     "\"کیا یہ پہلے سے ہمارا ہے؟\": شناختی نمبر، فون، ای میل، وی چیٹ یا نام سے تلاش؛ ہر نتیجے "
     "کی وجہ بتاتا ہے۔"},
    {"help.enterprise_archive", "Archive an enterprise (hidden from lists; undo with unarchive).",
     "归档企业（不再出现在列表中；可用 unarchive 恢复）。",
     "ادارہ آرکائیو کریں (فہرستوں سے چھپ جاتا ہے؛ unarchive سے واپس)۔"},
    {"help.enterprise_unarchive", "Bring an archived enterprise back.", "恢复已归档的企业。",
     "آرکائیو شدہ ادارہ واپس لائیں۔"},
    {"help.identifier_add", "Attach an identifier to an enterprise.", "为企业添加证照号码。",
     "ادارے کے ساتھ شناختی نمبر منسلک کریں۔"},
    {"help.contact_add", "Add a contact; an enterprise's first contact becomes primary.",
     "添加联系人；企业的第一位联系人为主要联系人。",
     "رابطہ شامل کریں؛ ادارے کا پہلا رابطہ بنیادی ہوتا ہے۔"},
    {"help.contact_list", "List an enterprise's contacts.", "列出企业的联系人。",
     "ادارے کے رابطوں کی فہرست۔"},
    {"help.service_add", "Log a service delivered to an enterprise, optionally with a follow-up.",
     "记录为企业提供的服务，可同时创建跟进事项。",
     "ادارے کو دی گئی خدمت درج کریں، چاہیں تو فالو اپ کے ساتھ۔"},
    {"help.service_list", "List service logs by enterprise and/or month.",
     "按企业和/或月份列出服务记录。", "ادارے اور/یا مہینے کے لحاظ سے خدمات کی فہرست۔"},
    {"help.followup_add", "Add a follow-up for an enterprise (due in 7 days unless --due).",
     "为企业添加跟进事项（默认 7 天后到期）。",
     "ادارے کے لیے فالو اپ شامل کریں (بطور طے شدہ 7 دن میں)۔"},
    {"help.followup_list", "List open follow-ups (--overdue: overdue only; --all: done too).",
     "列出未完成的跟进（--overdue 仅逾期；--all 包括已完成）。",
     "کھلے فالو اپ کی فہرست (--overdue: صرف تاخیر شدہ؛ --all: مکمل بھی)۔"},
    {"help.followup_done", "Mark a follow-up done.", "将跟进标记为完成。",
     "فالو اپ کو مکمل قرار دیں۔"},
    {"help.enroll",
     "Move an enterprise through the selection pipeline; selection assigns the programme number.",
     "推进企业的遴选阶段；入选时分配项目编号。",
     "ادارے کو انتخاب کے مراحل میں آگے بڑھائیں؛ انتخاب پر پروگرام نمبر ملتا ہے۔"},
    {"help.match_add", "Propose a matchmaking pair of a CN and a PK enterprise.",
     "提议一对中巴企业对接。", "ایک چینی اور ایک پاکستانی ادارے کا جوڑا تجویز کریں۔"},
    {"help.match_stage", "Move a matchmaking pair to another stage.", "变更对接阶段。",
     "میچ کو دوسرے مرحلے میں لے جائیں۔"},
    {"help.match_list", "List matchmaking pairs.", "列出对接。", "میچوں کی فہرست۔"},
    {"help.report_progress", "Progress to 100 selected enterprises per country.",
     "各国入选企业的百家进度。", "ہر ملک میں 100 منتخب اداروں کی جانب پیش رفت۔"},
    {"help.report_services", "Services by category in a month (default: this month).",
     "某月按类别统计的服务（默认本月）。",
     "کسی مہینے میں زمرہ وار خدمات (بطور طے شدہ رواں مہینہ)۔"},
    {"help.report_funnel", "Matchmaking funnel: pairs that reached each stage.",
     "对接漏斗：到达各阶段的对接数。", "میچ میکنگ: ہر مرحلے تک پہنچنے والے جوڑے۔"},
    {"help.report_followups", "Open and overdue follow-ups by assignee and office.",
     "按负责人和办公室统计的未完成及逾期跟进。",
     "ذمہ دار اور دفتر کے لحاظ سے کھلے اور تاخیر شدہ فالو اپ۔"},
    {"help.report_quality", "Data quality: drafts, identifier warnings, missing data, duplicates.",
     "数据质量：草稿、证照警告、缺失资料、疑似重复。",
     "ڈیٹا کا معیار: مسودے، شناختی انتباہات، نامکمل ڈیٹا، ممکنہ دہرے۔"},
    {"help.report_coverage", "Selected enterprises with no service in a month.",
     "某月未获任何服务的入选企业。", "منتخب ادارے جنہیں کسی مہینے میں کوئی خدمت نہیں ملی۔"},
    {"help.report_landing", "Enterprises by landing status in the target country.",
     "按在目标国落地状态统计的企业。", "ہدف ملک میں قیام کی حیثیت کے لحاظ سے ادارے۔"},
    {"help.import", "Import enterprises from a CSV file (all rows or none).",
     "从 CSV 文件导入企业（全部成功或全部不导入）。",
     "CSV فائل سے ادارے درآمد کریں (سب یا کوئی نہیں)۔"},
    {"help.export", "Export every table as CSV (UTF-8 with BOM) into a directory.",
     "将所有表导出为 CSV（带 BOM 的 UTF-8）到目录。",
     "تمام جدول CSV (BOM کے ساتھ UTF-8) میں ایک فولڈر میں برآمد کریں۔"},
    {"help.demo", "Fill the workspace with realistic demo data.", "用逼真的演示数据填充工作区。",
     "ورک اسپیس کو حقیقت جیسے ڈیمو ڈیٹا سے بھریں۔"},
    {"help.duplicates_list",
     "Pairs of enterprises that look like one, with the reasons (identifier, name, contacts).",
     "疑似同一企业的记录对及原因（证照号码、名称、联系方式）。",
     "ایک جیسے لگنے والے اداروں کے جوڑے، وجوہات کے ساتھ (شناختی نمبر، نام، رابطے)۔"},
    {"help.duplicates_merge",
     "Merge OTHER_ID into KEEP_ID (a replicated link; nothing is deleted).",
     "将 OTHER_ID 合并到 KEEP_ID（同步的合并链接；不删除任何数据）。",
     "OTHER_ID کو KEEP_ID میں ضم کریں (ہم آہنگ ہونے والا ربط؛ کچھ حذف نہیں ہوتا)۔"},
    {"help.duplicates_unmerge", "Undo a merge: the record is its own again.",
     "撤销合并：记录恢复独立。", "انضمام واپس لیں: ریکارڈ دوبارہ الگ ہو جاتا ہے۔"},
    {"help.conflicts_list",
     "Fields edited on two devices at once: every value, where and when, the shown one first.",
     "在两台设备上同时修改的字段：列出各个值及其来源和时间，当前显示的值在前。",
     "دو آلات پر بیک وقت بدلے گئے خانے: ہر قدر، کہاں اور کب، دکھائی جانے والی پہلے۔"},
    {"help.conflicts_resolve",
     "Resolve a conflict with a new value or by keeping value N as listed; syncs like an edit.",
     "以新值或保留所列第 N 个值来解决冲突；解决结果同其他修改一样同步。",
     "نئی قدر یا فہرست کی قدر N رکھ کر تنازع حل کریں؛ یہ عام تبدیلی کی طرح ہم آہنگ ہوتا ہے۔"},
    {"help.digest", "A hash of every replicated field: equal on replicas holding the same changes.",
     "所有同步字段的哈希值：拥有相同变更的副本输出相同。",
     "تمام ہم آہنگ خانوں کا ہیش: ایک جیسی تبدیلیوں والی نقول پر یکساں۔"},
    {"help.replica_init",
     "Make this new database a further device of an existing workspace (records come by import).",
     "使此新数据库成为现有工作区的另一台设备（记录通过导入获得）。",
     "اس نئے ڈیٹا بیس کو موجودہ ورک اسپیس کا ایک اور آلہ بنائیں (ریکارڈ درآمد سے آتے ہیں)۔"},
    {"help.changes_export",
     "Write every change (or those missing from a frontier file) to an unencrypted changes file.",
     "将全部变更（或对方同步进度文件中缺少的变更）写入未加密的变更文件。",
     "تمام تبدیلیاں (یا فرنٹیئر فائل میں غائب) ایک غیر خفیہ فائل میں لکھیں۔"},
    {"help.changes_import",
     "Apply a changes file; says what was applied, already here or held. Damaged: nothing.",
     "应用变更文件；报告已应用、已存在和暂缓的提交。文件损坏时不做任何更改。",
     "تبدیلیوں کی فائل لاگو کریں؛ بتاتا ہے کیا لاگو ہوا، پہلے سے تھا یا روکا گیا۔ خراب فائل: کچھ "
     "نہیں۔"},
    {"help.changes_frontier",
     "Write this database's frontier, so the other side exports only what is missing here.",
     "写出本数据库的同步进度，以便对方只导出此处缺少的变更。",
     "اس ڈیٹا بیس کا فرنٹیئر لکھیں تاکہ دوسری طرف صرف غائب تبدیلیاں برآمد کرے۔"},
    {"help.held_list", "Changes waiting to apply (a gap, a dependency, a clock ahead) and why.",
     "等待应用的变更（缺失、依赖、时钟超前）及原因。",
     "لاگو ہونے کی منتظر تبدیلیاں (خلا، انحصار، آگے چلتی گھڑی) اور وجہ۔"},
    {"help.held_accept", "Accept a device's future-stamped changes now (admin).",
     "立即接受某设备时间超前的变更（管理员）。",
     "کسی آلے کی مستقبل کے وقت والی تبدیلیاں ابھی قبول کریں (منتظم)۔"},
    {"help.invite_create",
     "Make an invite file for a new office or booth device (admins; single use, expiring).",
     "为新的办公室或展台设备生成邀请文件（仅管理员；一次性，会过期）。",
     "نئے دفتر یا بوتھ آلے کے لیے دعوت نامہ فائل بنائیں (صرف منتظم؛ ایک بار، میعادی)۔"},
    {"help.join", "Join a workspace with an invite file, into a new database (no network needed).",
     "用邀请文件加入工作区，写入新数据库（无需网络）。",
     "دعوت نامہ فائل سے ورک اسپیس میں شامل ہوں، نئے ڈیٹا بیس میں (نیٹ ورک ضروری نہیں)۔"},
    {"help.device_list", "List the workspace's devices: role, office, status.",
     "列出工作区的设备：角色、办公室、状态。", "ورک اسپیس کے آلات: کردار، دفتر، حالت۔"},
    {"help.device_revoke", "Revoke a device (admins): a new roster and key epoch.",
     "吊销设备（仅管理员）：新的名册和密钥纪元。",
     "آلہ منسوخ کریں (منتظم): نئی فہرست اور نیا کلیدی دور۔"},
    {"help.roster_show", "Show the signed roster this device holds.", "显示本设备持有的签名名册。",
     "اس آلے کے پاس موجود دستخط شدہ فہرست دکھائیں۔"},
    {"help.bundle_export", "Write a signed bundle of what the other devices may lack (USB).",
     "写出其他设备可能缺少内容的签名包（U盘）。",
     "دوسرے آلات میں ممکنہ کمی کا دستخط شدہ بنڈل لکھیں (USB)۔"},
    {"help.bundle_import", "Import a bundle: applies what is new; exits 1 if anything was refused.",
     "导入包：应用新内容；如有被拒内容则以 1 退出。",
     "بنڈل درآمد کریں: نیا لاگو ہوتا ہے؛ کچھ رد ہو تو 1 سے ختم۔"},
    {"help.sync", "Sync through a relay: push, then pull, with progress.",
     "通过中继同步：先推送，再拉取，显示进度。", "ریلے کے ذریعے ہم آہنگی: پہلے بھیجیں، پھر لیں۔"},
    {"help.held_release", "Apply held changes whose time has come.", "应用时间已到的暂缓变更。",
     "وہ روکی گئی تبدیلیاں لاگو کریں جن کا وقت آ گیا ہے۔"},

    // [SECTION] Field labels the core's table lacks
    {"field.created_at", "Created", "创建时间", "بنایا گیا"},
    {"field.updated_at", "Updated", "更新时间", "تازہ کاری"},
    {"field.origin_device", "Origin device", "来源设备", "ماخذ آلہ"},
    {"field.address", "Address", "地址", "پتہ"},
    {"field.website", "Website", "网站", "ویب سائٹ"},
    {"field.founded_year", "Founded", "成立年份", "سال قیام"},
    {"field.employees", "Employees", "员工人数", "ملازمین"},
    {"field.size_class", "Size", "规模", "حجم"},
    {"field.landing_status", "Landing", "落地状态", "قیام کی حیثیت"},
    {"field.source", "Source", "来源", "ذریعہ"},
    {"field.owning_office", "Owning office", "负责办公室", "ذمہ دار دفتر"},
    {"field.record_state", "Record state", "记录状态", "ریکارڈ کی حالت"},
    {"field.merged_into", "Merged into", "已合并至", "ضم شدہ در"},
    {"field.identifier", "Identifier", "证照号码", "شناختی نمبر"},
    {"field.programme_number", "Programme number", "项目编号", "پروگرام نمبر"},
    {"field.why", "Why", "匹配原因", "وجہ"},
    {"field.matched", "Matched", "匹配内容", "مماثل"},
    {"field.full_name", "Name", "姓名", "نام"},
    {"field.position", "Position", "职务", "عہدہ"},
    {"field.wechat", "WeChat", "微信", "وی چیٹ"},
    {"field.is_primary", "Primary", "主要联系人", "بنیادی"},
    {"field.consent_contact", "Consent", "同意联系", "رابطے کی اجازت"},
    {"field.cn_enterprise", "CN enterprise", "中方企业", "چینی ادارہ"},
    {"field.pk_enterprise", "PK enterprise", "巴方企业", "پاکستانی ادارہ"},
    {"field.cooperation_type", "Type", "合作类型", "تعاون کی قسم"},
    {"field.exits", "Exits", "退出", "اخراج"},
    {"field.reached", "Reached", "到达数", "پہنچے"},
    {"field.conversion", "Conversion", "转化率", "تبدیلی کی شرح"},
    {"field.median_days", "Median days", "天数中位数", "اوسط دن"},
    {"field.pairs", "Pairs", "对接数", "جوڑے"},
    {"field.assignee", "Assignee", "负责人", "ذمہ دار"},
    {"field.office", "Office", "办公室", "دفتر"},
    {"field.open", "Open", "未完成", "کھلے"},
    {"field.overdue", "Overdue", "逾期", "تاخیر شدہ"},
    {"field.due_this_week", "Due this week", "本周到期", "اس ہفتے"},
    {"field.kind", "Kind", "类型", "قسم"},
    {"field.record", "Record", "记录", "ریکارڈ"},
    {"field.message", "Message", "说明", "پیغام"},
    {"field.unserved", "Without a service", "未获服务", "بغیر خدمت"},
    {"field.device", "Device", "设备", "آلہ"},
    {"field.seq", "No.", "序号", "نمبر"},
    {"field.time", "Time", "时间", "وقت"},

    // [SECTION] Code labels the core's table lacks
    {"code.landing_status.none", "none", "未落地", "کوئی نہیں"},
    {"code.landing_status.exploring", "exploring", "考察中", "جائزہ جاری"},
    {"code.landing_status.office_registered", "office registered", "已注册机构", "دفتر رجسٹرڈ"},
    {"code.landing_status.operating", "operating", "已运营", "کام جاری"},
    {"code.record_state.draft", "draft", "草稿", "مسودہ"},
    {"code.record_state.complete", "complete", "完整", "مکمل"},
    {"code.source.booth", "booth", "展位", "بوتھ"},
    {"code.source.referral", "referral", "推荐", "حوالہ"},
    {"code.source.partner", "partner", "合作伙伴", "شراکت دار"},
    {"code.source.import", "import", "导入", "درآمد"},
    {"code.check.valid", "valid", "有效", "درست"},
    {"code.check.checksum_warning", "check character wrong", "校验位不符", "چیک کریکٹر غلط"},
    {"code.check.format_only", "format checked", "仅校验格式", "صرف فارمیٹ جانچا گیا"},
    {"code.reason.identifier", "same identifier", "证照号码相同", "ایک جیسا شناختی نمبر"},
    {"code.reason.phone", "same phone", "电话相同", "ایک جیسا فون"},
    {"code.reason.email", "same e-mail", "邮箱相同", "ایک جیسی ای میل"},
    {"code.reason.wechat", "same WeChat", "微信相同", "ایک جیسا وی چیٹ"},
    {"code.reason.same_name", "same name", "名称相同", "ایک جیسا نام"},
    {"code.reason.substring", "name contains", "名称包含", "نام میں شامل"},
    {"code.reason.similar_name", "similar name", "名称相似", "ملتا جلتا نام"},
    {"code.status.open", "open", "未完成", "کھلا"},
    {"code.status.done", "done", "已完成", "مکمل"},
    {"code.status.cancelled", "cancelled", "已取消", "منسوخ"},
    {"code.status.overdue", "OVERDUE", "已逾期", "تاخیر شدہ"},
    {"code.state.draft", "draft", "草稿", "مسودہ"},
    {"code.state.final", "final", "定稿", "حتمی"},
    {"code.quality.old_draft", "old draft", "久未完善的草稿", "پرانا مسودہ"},
    {"code.quality.identifier_warning", "identifier warning", "证照警告", "شناختی انتباہ"},
    {"code.quality.missing_selection_data", "missing selection data", "缺少遴选资料",
     "انتخاب کا ڈیٹا نامکمل"},
    {"code.quality.duplicate_suspect", "possible duplicate", "疑似重复", "ممکنہ دہرا"},
    {"code.quality.contact_without_consent", "contact without consent", "联系人未同意联系",
     "رابطہ بغیر اجازت"},
    {"code.quality.implausible_mobile", "implausible mobile", "手机号可疑", "مشکوک موبائل"},
};

const Text* FindText(std::string_view key) {
  for (const Text& t : kTexts) {
    if (t.key == key) return &t;
  }
  return nullptr;
}

std::string_view Pick(const Text& t, std::string_view lang) {
  if (lang == "zh" && !t.zh.empty()) return t.zh;
  if (lang == "ur" && !t.ur.empty()) return t.ur;
  return t.en;
}

}  // namespace

bool IsLanguage(std::string_view lang) { return lang == "en" || lang == "zh" || lang == "ur"; }

std::string Tr(std::string_view key, std::string_view lang) {
  const Text* t = FindText(key);
  return std::string(t ? Pick(*t, lang) : key);
}

std::string Fmt(std::string_view key, std::string_view lang,
                std::initializer_list<std::string> args) {
  std::string text = Tr(key, lang);
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    // "{N}" with a single digit N: the N-th argument (translations may reorder them).
    if (text[i] == '{' && i + 2 < text.size() && text[i + 2] == '}' && text[i + 1] >= '0' &&
        text[i + 1] <= '9' && static_cast<size_t>(text[i + 1] - '0') < args.size()) {
      out += *(args.begin() + (text[i + 1] - '0'));
      i += 2;
      continue;
    }
    out += text[i];
  }
  return out;
}

std::string FieldLabel(std::string_view field, std::string_view lang) {
  // The core's label wins; it returns the code itself when it has none.
  std::string_view core = Label("field", field, lang);
  if (core != field) return std::string(core);
  if (const Text* t = FindText("field." + std::string(field))) return std::string(Pick(*t, lang));
  return std::string(field);
}

std::string CodeLabel(std::string_view kind, std::string_view code, std::string_view lang) {
  if (code.empty()) return {};
  std::string_view core = Label(kind, code, lang);
  if (core != code) return std::string(core);
  std::string key = "code." + std::string(kind) + "." + std::string(code);
  if (const Text* t = FindText(key)) return std::string(Pick(*t, lang));
  return std::string(code);
}

}  // namespace dosti::cli
