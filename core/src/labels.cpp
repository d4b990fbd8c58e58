// Reference vocabularies and their labels in English, Chinese and Urdu (DOMAIN.md). One place
// for every front end: the CLI, the desktop app and the booth app all label codes from here.
#include <array>
#include <string_view>
#include <vector>

#include "dosti/session.h"

namespace dosti {

const std::vector<std::string_view> kCountries = {"CN", "PK"};
const std::vector<std::string_view> kOffices = {"beijing", "islamabad"};
const std::vector<std::string_view> kServiceCategories = {
    "training", "strategy", "policy", "personnel", "legal", "exchange", "finance"};
const std::vector<std::string_view> kEnrollmentStages = {
    "prospect", "nominated", "shortlisted", "selected", "active",
    "completed", "declined", "withdrawn", "rejected"};
const std::vector<std::string_view> kMatchmakingStages = {
    "proposed",    "contacted",  "introduced",       "meeting_held", "negotiation",
    "mou_signed",  "agreement_signed", "deal_closed", "on_hold",     "closed_lost"};
const std::vector<std::string_view> kCooperationTypes = {
    "trade", "distribution", "outsourcing", "technology_transfer", "joint_venture",
    "investment", "other"};

namespace {

struct LabelRow {
  std::string_view kind, code, en, zh, ur;
};

constexpr LabelRow kLabels[] = {
    {"category", "training", "Corporate training", "企业培训", "کارپوریٹ تربیت"},
    {"category", "strategy", "Strategic consultation", "战略咨询", "اسٹریٹجک مشاورت"},
    {"category", "policy", "Policy interpretation", "政策解读", "پالیسی کی وضاحت"},
    {"category", "personnel", "Personnel services", "人事服务", "افرادی قوت کی خدمات"},
    {"category", "legal", "Legal services", "法律服务", "قانونی خدمات"},
    {"category", "exchange", "International exchanges and cooperation", "国际交流与合作服务",
     "بین الاقوامی تبادلے اور تعاون"},
    {"category", "finance", "Investment and financing", "投融资服务", "سرمایہ کاری اور مالیات"},

    {"stage", "prospect", "Prospect", "潜在", "ممکنہ"},
    {"stage", "nominated", "Nominated", "已提名", "نامزد"},
    {"stage", "shortlisted", "Shortlisted", "入围", "شارٹ لسٹ"},
    {"stage", "selected", "Selected", "入选", "منتخب"},
    {"stage", "active", "Active", "服务中", "فعال"},
    {"stage", "completed", "Completed", "已完成", "مکمل"},
    {"stage", "declined", "Declined", "已谢绝", "انکار"},
    {"stage", "withdrawn", "Withdrawn", "已退出", "دستبردار"},
    {"stage", "rejected", "Rejected", "未入选", "مسترد"},

    {"match_stage", "proposed", "Proposed", "已提议", "تجویز"},
    {"match_stage", "contacted", "Contacted", "已联系", "رابطہ ہوا"},
    {"match_stage", "introduced", "Introduced", "已引荐", "تعارف ہوا"},
    {"match_stage", "meeting_held", "Meeting held", "已会面", "ملاقات ہوئی"},
    {"match_stage", "negotiation", "Negotiation", "谈判中", "مذاکرات"},
    {"match_stage", "mou_signed", "MoU signed", "已签谅解备忘录", "مفاہمتی یادداشت پر دستخط"},
    {"match_stage", "agreement_signed", "Agreement signed", "已签协议", "معاہدے پر دستخط"},
    {"match_stage", "deal_closed", "Deal closed", "已成交", "سودا طے"},
    {"match_stage", "on_hold", "On hold", "暂缓", "معطل"},
    {"match_stage", "closed_lost", "Closed (lost)", "已终止", "بند (ناکام)"},

    {"cooperation", "trade", "Trade", "贸易", "تجارت"},
    {"cooperation", "distribution", "Distribution", "分销", "تقسیم کاری"},
    {"cooperation", "outsourcing", "Outsourcing", "外包", "آؤٹ سورسنگ"},
    {"cooperation", "technology_transfer", "Technology transfer", "技术转让",
     "ٹیکنالوجی کی منتقلی"},
    {"cooperation", "joint_venture", "Joint venture", "合资", "مشترکہ منصوبہ"},
    {"cooperation", "investment", "Investment", "投资", "سرمایہ کاری"},
    {"cooperation", "other", "Other", "其他", "دیگر"},

    {"country", "CN", "China", "中国", "چین"},
    {"country", "PK", "Pakistan", "巴基斯坦", "پاکستان"},
    {"office", "beijing", "Beijing", "北京", "بیجنگ"},
    {"office", "islamabad", "Islamabad", "伊斯兰堡", "اسلام آباد"},

    {"field", "id", "ID", "编号", "شناخت"},
    {"field", "country", "Country", "国家", "ملک"},
    {"field", "name", "Name", "名称", "نام"},
    {"field", "name_en", "English name", "英文名称", "انگریزی نام"},
    {"field", "name_zh", "Chinese name", "中文名称", "چینی نام"},
    {"field", "name_ur", "Urdu name", "乌尔都语名称", "اردو نام"},
    {"field", "short_name", "Short name", "简称", "مختصر نام"},
    {"field", "sector", "Sector", "行业", "شعبہ"},
    {"field", "region", "Region", "地区", "علاقہ"},
    {"field", "city", "City", "城市", "شہر"},
    {"field", "stage", "Stage", "阶段", "مرحلہ"},
    {"field", "category", "Category", "类别", "زمرہ"},
    {"field", "service_date", "Date", "日期", "تاریخ"},
    {"field", "minutes", "Minutes", "分钟", "منٹ"},
    {"field", "summary", "Summary", "摘要", "خلاصہ"},
    {"field", "enterprise", "Enterprise", "企业", "ادارہ"},
    {"field", "due_date", "Due", "到期", "مقررہ تاریخ"},
    {"field", "status", "Status", "状态", "حیثیت"},
    {"field", "note", "Note", "备注", "نوٹ"},
    {"field", "logs", "Logs", "记录数", "اندراجات"},
    {"field", "enterprises", "Enterprises", "企业数", "ادارے"},
    {"field", "hours", "Hours", "小时", "گھنٹے"},
    {"field", "selected", "Selected", "已入选", "منتخب"},
    {"field", "target", "Target", "目标", "ہدف"},
    {"field", "archived", "Archived", "已归档", "محفوظ شدہ"},
    {"field", "mobile", "Mobile", "手机", "موبائل"},
    {"field", "email", "E-mail", "电子邮件", "ای میل"},
    {"field", "reason", "Reason", "原因", "وجہ"},
};

}  // namespace

std::string_view Label(std::string_view kind, std::string_view code, std::string_view lang) {
  for (const LabelRow& row : kLabels) {
    if (row.kind != kind || row.code != code) continue;
    if (lang == "zh" && !row.zh.empty()) return row.zh;
    if (lang == "ur" && !row.ur.empty()) return row.ur;
    return row.en;
  }
  return code;
}

}  // namespace dosti
