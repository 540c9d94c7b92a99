"""Builds eval/other/<name>/questions.jsonl from the hand-collected list below.

Every question string is copied verbatim from the cited public page (trimmed to the
asking sentence(s) only).  Pages are assigned to dev/test whole (all questions from one
page share a split).  Run: python3 eval/other/build_questions.py
"""
import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Questions no person asked, written by a text generator: the QuickTakes pages of elmtree-askmo/cloudcannon-app
# ("author: QuickTakes", questions and answers generated; found by the second reader of stats round 34, stop 52), and
# pages checked question by question in stop 52 (the commit that introduced the question carries an AI author or
# co-author trailer, or the page carries chatbot text or says it was generated). By source address (scheme and "www."
# aside) for pages wholly written so, by id where only some questions of a page were. They keep their numbers, so
# that no other id moves, and are left out of questions.jsonl.
MACHINE_WRITTEN = (
    "github.com/elmtree-askmo/cloudcannon-app/", "github.com/seanyfresh/kcna-prep",
    "github.com/Cyberoiide/devops-sre-interview-prep", "github.com/nithinmohantk/devops-interview-bootcamp",
    "github.com/funloader/DITISS", "github.com/mdadilkhan/Web_DEV_Practice",
    "github.com/rajeshdevopsengineer/devops-notes/blob/776dcfec588f1e0b9bdf3a7429ad12c2cdc1b779/Interview_QA/"
    "InduslndBank/",
    "github.com/rohitdhiman1/kcna-prep/blob/afdc773b072d9fe3706a52ebf86e842b97d20990/docs/practice-exam.md",
    "github.com/courselabs/kubernetes/blob/746b946ed910261d470cdf38fdd95f5f168c8bc4/labs/rbac/quickfire.md",
    "github.com/courselabs/kubernetes/blob/746b946ed910261d470cdf38fdd95f5f168c8bc4/labs/clusters/quickfire.md",
    "github.com/courselabs/kubernetes/blob/78eb91e7abd9a223d830932ec27ba0717f1a5556/labs/jenkins/quickfire.md")
MACHINE_WRITTEN_IDS = frozenset(
    f"cncf-{n}" for n in (153, 154, 175, 459, 461, 474, 610, 613, 617, 619, 627, 746, 749, 757, 766, 782, 790, 791,
                          808, 810, 811, 815, 817, 818, 819, 836, 841, 847, 850, 851, 854, 862, 871, 873, 874, 875,
                          876, 877, 968, 975, 1084, 1121, 1122))
DX = "https://github.com/bregman-arie/devops-exercises/blob/master/"

# (page_url, source_kind, [(question, [expected terms], kind), ...])
STATS = [
 ("https://nfriedrichsen.github.io/exams/Exam3_shortanswer_115.html", "course", [
   ("What is the difference between ‘statistical significance’ and ‘practical significance’?", ["statistical significance", "practical significance"], "compare"),
   ("What is a Type I error and what is another name for it?", ["Type I error"], "what"),
   ("What is a Type II error and what is another name for it?", ["Type II error"], "what"),
   ("What is the definition of a p-value?", ["p-value"], "what"),
   ("Describe the difference between the Null hypothesis and the Alternate hypothesis. Which one are we trying to show is true?", ["null hypothesis", "alternative hypothesis"], "compare"),
   ("What does the ‘significance level’ refer to in hypothesis testing?", ["alpha level"], "what"),
   ("What type of error occurs if H0 is True but we do reject it?", ["Type I error"], "other"),
   ("Why do we calculate a test-statistic?", [], "why"),
   ("What does the test-statistic tell us in the context of a hypothesis test?", [], "what"),
 ]),
 ("https://holleland.github.io/TECH3/3-population-vs-sample.html", "course", [
   ("What is the difference between a population and sample?", ["population", "sample"], "compare"),
   ("What do we call numbers derived from a population?", [], "other"),
   ("What do we call numbers derived from a sample?", [], "other"),
   ("What is sampling bias?", [], "what"),
 ]),
 ("https://techhub.cafe/interview-questions/probability/variance-vs-standard-deviation", "interview", [
   ("What is the difference between variance and standard deviation?", ["variance", "standard deviation"], "compare"),
 ]),
 ("http://www.solutioninn.com/briefly-explain-the-meaning-of-an-outlier-is-the-mean", "forum", [
   ("Briefly explain the meaning of an outlier. Is the mean or the median a better measure of central tendency for a data set that contains outliers?", ["outlier", "mean", "median"], "compare"),
 ]),
 ("https://discuss.codecademy.com/t/how-is-the-median-different-from-the-mean/357945", "forum", [
   ("In the context of this exercise, how is the median different from the mean?", ["median", "mean"], "compare"),
 ]),
 ("http://mathhelpforum.com/statistics/194808-variance-formula-why-not-absolute-values.html", "forum", [
   ("Why does the variance formula square the difference between each data point and the mean, rather than simply use the absolute value of the difference?", ["variance"], "why"),
 ]),
 ("http://www.talkstats.com/threads/welchs-t-test.30806/", "forum", [
   ("Short question; when do I use Welch's t-test? I don't quite get the \"unequal variance\"-thing. What does it mean that there is unequal variance and in what?", ["Welch's test", "homogeneity of variance"], "when"),
 ]),
 ("https://socratic.org/questions/when-is-welch-s-t-test-used", "forum", [
   ("When is Welch's t-test used?", ["Welch's test"], "when"),
 ]),
 ("https://stats.stackexchange.com/questions/90443/what-are-the-relative-merits-of-winsorizing-vs-trimming-data", "stackexchange", [
   ("Are there any relative advantages or disadvantages to using Winsorizing or Trimming? Are there certain situations where one method would be preferable? Is one used more often in practice or are they basically interchangeable?", ["winsorizing", "trimming"], "compare"),
 ]),
 ("https://stats.stackexchange.com/questions/446262/can-a-sample-larger-than-5-000-data-points-be-tested-for-normality-using-shapiro", "stackexchange", [
   ("Can a sample larger than 5,000 data points be tested for normality using shapiro.test by applying the test to a subsample?", ["Shapiro-Wilk test"], "how"),
 ]),
 ("https://questionai.com/amp/questions-t41feJiAyy/levenes-test-significant-mean-null-hypothesis", "forum", [
   ("If a Levene's test is not significant, what does that mean for the null hypothesis?", ["Levene's test"], "other"),
 ]),
 ("https://www.analystforum.com/t/skewness-kurtosis-general-tip/80487", "forum", [
   ("I often get confused with the terms skewness and kurtosis (who gave those terms!!) and in interpreting high/low skewness and high/low kurtosis. Please share any tips/tricks to remember the concept and interpret them rightly.", ["skew", "kurtosis"], "compare"),
 ]),
 ("https://bjdatatechsolution.blogspot.com/2020/08/median-split.html", "forum", [
   ("Secondly, when performing a median split, do I have to have exactly 50% of the observations in each of the 2 categories?", ["median split"], "how"),
 ]),
 ("https://answers.yahoo.com/question/index?qid=20130216205755AAYdszo", "forum", [
   ("What is difference between Statistical vs Practical Significance?", ["statistical significance", "practical significance"], "compare"),
 ]),
 ("https://tutorsglobe.com/question/left-tailed-two-tailed-and-right-tailed-test-51788163.aspx", "course", [
   ("Explain the difference between a left-tailed, two-tailed, and right-tailed test. When would we choose a two-tailed test?", ["directional hypothesis", "non-directional hypothesis"], "compare"),
 ]),
 ("https://superioressaywriters.com/anova-2", "course", [
   ("Describe the general rationale behind using post hoc tests (i.e., when they are used and why).", ["post hoc comparison"], "why"),
   ("Explain why using an ANOVA naturally leads to the need to have post hoc tests (hint: consider what you are examining when you conduct a post hoc analysis).", ["post hoc comparison", "omnibus test"], "why"),
 ]),
 ("https://homeworksource.com/p/1074189/3-explain-what-is-meant-by-omnibus-test-familywise-error-rat", "course", [
   ("Explain what is meant by omnibus test, family-wise error rate, and post-hoc test.", ["omnibus test", "post hoc comparison"], "what"),
 ]),
 ("https://phddiscussions.in/question/201809040455164770/likert-type-scale-ordinal-interval-data/", "forum", [
   ("I’ve seen many people getting confused for the Likert scale type. Many people say that it is ordinal data, and many say that it is interval data. Which exactly is it?", ["ordinal variable", "interval variable"], "compare"),
 ]),
 ("https://github.com/EthenDcosta5/Interview-Prep", "interview", [
   ("Define and differentiate mean, median, and mode.", ["mean", "median", "mode"], "compare"),
   ("How do you calculate the range and interquartile range (IQR)?", ["range", "interquartile range"], "how"),
   ("What is variance, and how is it related to standard deviation?", ["variance", "standard deviation"], "compare"),
   ("What are outliers, and how can you handle them?", ["outlier"], "how"),
   ("Explain correlation and its significance in statistics.", [], "description"),
 ]),
 ("https://notechit.com/interview-question-of-stats-for-data-scientist", "interview", [
   ("What is a null and alternative hypothesis?", ["null hypothesis", "alternative hypothesis"], "what"),
   ("What is a p-value?", ["p-value"], "what"),
   ("What are Type I and Type II errors?", ["Type I error", "Type II error"], "what"),
   ("What is conditional probability?", [], "what"),
   ("What is Bayes' Theorem?", [], "what"),
   ("What is the Central Limit Theorem?", [], "what"),
 ]),
 ("https://www.letsupdateskills.com/interviews/statistics-interview-questions-and-answers", "interview", [
   ("What are Descriptive and Inferential Statistics?", ["descriptive statistics", "inferential statistics"], "what"),
   ("What is Standard Deviation?", ["standard deviation"], "what"),
   ("What is a Confidence interval?", ["confidence interval"], "what"),
   ("What is A Z-score?", [], "what"),
   ("What is Overfitting and Underfitting in data science?", [], "what"),
 ]),
 ("https://www.analyticsvidhya.com/blog/2022/08/top-40-data-science-statistics-interview-questions/", "interview", [
   ("What is the difference between a population and a sample?", ["population", "sample"], "compare"),
   ("What is the difference between inferential and descriptive statistics?", ["inferential statistics", "descriptive statistics"], "compare"),
 ]),
 ("https://www.datasource.ai/en/data-science-articles/22-statistics-questions-to-prepare-for-data-science-interviews", "interview", [
   ("What is the statistical power?", ["statistical power"], "what"),
 ]),
 ("https://ashutoshtripathi.com/statistics-for-data-science-interview-questions/", "interview", [
   ("Describe with specific examples on when to use mean, when to use median and when to use mode?", ["mean", "median", "mode"], "when"),
   ("How to define Outliers in your data set and what are the techniques to deal with outliers?", ["outlier"], "how"),
   ("Explain the Box Plot.", ["box plot"], "description"),
   ("What is Kurtosis?", ["kurtosis"], "what"),
   ("Describe skewed vs normally distributed Data.", ["skew", "normal distribution"], "compare"),
   ("How to describe Parameter and Statistics?", [], "description"),
   ("Describe z-score also known as a standard score.", [], "description"),
   ("Explain about Mutually exclusive vs Independent Events.", [], "compare"),
   ("What is the Monty Hall Problem?", [], "what"),
   ("What is Binomial Distribution?", [], "what"),
 ]),
 ("https://tutorsglobe.com/question/explain-the-omitted-variable-problem-using-an-example-what-52923357.aspx", "course", [
   ("What is the difference between the concepts of correlation and of causation?", [], "compare"),
   ("What is a variable?", ["variable"], "what"),
   ("Explain the omitted variable problem, using an example.", [], "example"),
   ("Explain how independent and dependent variables are related to one another, making reference to causal arguments.", ["independent variable", "dependent variable"], "compare"),
 ]),
 ("https://geniuspapers.net/category/psychology-homework-helpstatistics/", "course", [
   ("Explain what the following statement means: “Correlation not causation”. In other words, why can’t you prove causation with correlational studies?", ["correlational research"], "why"),
 ]),
 ("https://www.tpointtech.com/50-statistics-interview-questions-and-answers-for-data-scientists-for-2025", "interview", [
   ("Define statistical power.", ["statistical power"], "what"),
   ("What is a histogram?", ["histogram"], "what"),
   ("What is the purpose of ANOVA?", [], "why"),
   ("Define correlation and causation.", [], "what"),
 ]),
 ("https://www.scribd.com/document/741590096/Statistics-in-Data-Science-Interview-Questions", "interview", [
   ("Describe the difference between parametric and non-parametric statistical tests.", ["parametric statistics", "non-parametric statistics"], "compare"),
   ("Explain the concept of bias and its potential impact on statistical analysis.", [], "description"),
 ]),
 ("https://www.indiqaanalytics.com/50-statistics-questions-for-data-science-interview/", "interview", [
   ("What is a dataset and what are the different types of variables which you get to see in a dataset?", ["dataset", "variable"], "what"),
   ("Can you compare the different scales of measurement?", ["nominal variable", "ordinal variable", "interval variable", "ratio variable"], "compare"),
   ("Briefly explain the difference between Primary and secondary data", [], "compare"),
 ]),
 ("https://github.com/alexeygrigorev/data-science-interviews/blob/master/theory.md", "interview", [
   ("What’s the normal distribution? Why do we care about it?", ["normal distribution"], "what"),
   ("How do we check if a variable follows the normal distribution?", ["normal distribution"], "how"),
   ("What is the bias-variance trade-off?", [], "what"),
 ]),
 ("http://www.expertsmind.com/library/difference-between-a-population-and-a-sample-52184473.aspx", "course", [
   ("Explain the difference between a population and a sample. Give an example of each.", ["population", "sample"], "example"),
   ("Explain what is meant by a population parameter and a sample statistic. Give an example of each.", [], "example"),
   ("What does the term \"statistical inference\" mean?", ["inferential statistics"], "what"),
   ("What is a sampling distribution? Explain", [], "what"),
 ]),
 ("https://www.scribd.com/document/787325480/50-Important-Statistics-Q-A-to-crack-DS-Interview", "interview", [
   ("What are the different types of Sampling Methods?", [], "what"),
   ("What is a t-test?", [], "what"),
 ]),
]

CNCF = [
 (DX + "topics/devops/README.md", "interview", [
   ("What is DevOps?", ["DevOps"], "what"),
   ("Explain mutable vs. immutable infrastructure", ["Immutable Infrastructure"], "compare"),
   ("Explain stateless vs. stateful", ["Stateless Apps", "Stateful Apps"], "compare"),
   ("What is \"infrastructure as code\"? What implementation of IAC are you familiar with?", ["Infrastructure as Code (IaC)"], "what"),
   ("What is GitOps?", ["GitOps"], "what"),
   ("What are the differences between SRE and DevOps?", ["Site Reliability Engineering", "DevOps"], "compare"),
   ("What is Version Control?", [], "what"),
   ("What is Distributed Tracing?", [], "what"),
 ]),
 (DX + "topics/cicd/README.md", "interview", [
   ("What is Continuous Integration?", ["Continuous integration (CI)"], "what"),
   ("What is difference between Continuous Delivery and Continuous Deployment?", ["Continuous Delivery (CD)", "Continuous Deployment (CD)"], "compare"),
 ]),
 (DX + "topics/cloud/README.md", "interview", [
   ("What is Serverless Computing?", ["Serverless"], "what"),
   ("What is auto scaling?", ["Autoscaling"], "what"),
   ("What is the difference between horizontal scaling and vertical scaling?", ["Horizontal Scaling", "Vertical Scaling"], "compare"),
   ("Is there a difference between managed service to SaaS or is it the same thing?", [], "compare"),
   ("What types of clouds (or cloud deployments) are there?", [], "other"),
 ]),
 (DX + "topics/containers/README.md", "interview", [
   ("What is a container image?", ["Container Image"], "what"),
   ("How are containers different from virtual machines (VMs)?", ["Containers", "Virtual Machine"], "compare"),
   ("Describe difference between cgroups and namespaces", [], "compare"),
 ]),
 (DX + "topics/observability/README.md", "interview", [
   ("What's monitoring? How is it related to Observability?", ["Observability"], "compare"),
 ]),
 (DX + "topics/sre/README.md", "interview", [
   ("What is an SLO (Service-Level Objective)?", [], "what"),
   ("What is an SLA (Service-Level Agreement)?", [], "what"),
 ]),
 (DX + "topics/security/README.md", "interview", [
   ("What is DevSecOps? What its core principals?", ["DevSecOps"], "what"),
   ("What the \"Zero Trust\" concept means? How Organizations deal with it?", ["Zero Trust Architecture"], "what"),
   ("Explain RBAC (Role-based Access Control)", ["Role-Based Access Control (RBAC)"], "description"),
   ("Explain TLS", ["Transport Layer Security (TLS)"], "description"),
   ("What is a Certificate Authority?", [], "what"),
   ("Explain OAuth", [], "description"),
   ("What types of firewalls are there?", [], "other"),
 ]),
 (DX + "topics/chaos_engineering/README.md", "interview", [
   ("What is Chaos Engineering?", ["Chaos Engineering"], "what"),
 ]),
 (DX + "topics/kubernetes/README.md", "interview", [
   ("What is a Kubernetes Cluster?", ["Cluster", "Kubernetes"], "what"),
   ("Explain what is a Pod", ["Pod"], "description"),
   ("What is Ingress?", ["Ingress"], "what"),
   ("What's a DaemonSet?", [], "what"),
   ("Explain StatefulSet", [], "description"),
 ]),
 (DX + "README.md", "interview", [
   ("What is a hypervisor?", ["Hypervisor"], "what"),
   ("Is containerization is a type of Virtualization?", ["Containerization", "Virtualization"], "compare"),
   ("Explain Distributed Computing (or Distributed System)", ["Distributed System"], "description"),
   ("Explain the Sidecar Pattern (Or sidecar proxy)", ["Sidecar Container"], "description"),
   ("What are the drawbacks of monolithic architecture?", ["Monolithic Apps"], "other"),
   ("Explain \"Loose Coupling\"", ["Loosely Coupled Architecture"], "description"),
   ("Explain Scalability", ["Scalability"], "description"),
   ("Do you know what is \"CAP theorem\"? (aka as Brewer's theorem)", [], "what"),
   ("What is a message queue? When is it used?", [], "what"),
   ("What is CDN?", [], "what"),
 ]),
 (DX + "topics/software_development/README.md", "interview", [
   ("What is Agile in regards to software development?", ["Agile Software Development"], "what"),
 ]),
 ("https://stackoverflow.com/questions/16047306/how-is-docker-io-different-from-a-normal-virtual-machine", "stackexchange", [
   ("I keep rereading the Docker documentation to try to understand the difference between Docker and a full VM. How does it manage to provide a full filesystem, isolated networking environment, etc. without being as heavy?", ["Containers", "Virtual Machine"], "how"),
 ]),
 ("https://hiprup.com/questions/what-is-the-difference-between-blue-green-canary-and-rolling-deployments-when-would-you-use-each", "interview", [
   ("What is the difference between Blue-Green, Canary, and Rolling deployments? When would you use each?", ["Blue Green Deployment", "Canary Deployment"], "compare"),
 ]),
 ("https://www.letsgit.it/en/category/cloud/cloud-what-is-a-service-mesh-and-when-is-it-worth-using", "interview", [
   ("What is a service mesh and when is it worth using?", ["Service Mesh"], "when"),
 ]),
 ("https://coderslingo.com/exercises/vocabulary/ci-cd-pipelines/", "interview", [
   ("What is a blue-green deployment?", ["Blue Green Deployment"], "what"),
   ("What is an artifact in a CI/CD pipeline and why build it once?", [], "what"),
   ("What is a quality gate in a pipeline?", [], "what"),
 ]),
 ("https://2daysbeforeinterview.com/en/questions/9e3d60ea-6953-4c62-9fd9-4a8edc893b63", "interview", [
   ("Difference between a load balancer and an API gateway?", ["Load Balancer", "API Gateway"], "compare"),
 ]),
 ("https://fullstackqe.org/how-exactly-are-containers-docker-different-from-hypervisor-virtualization-vsphere-what-are-the-benefits/embed", "interview", [
   ("How exactly are containers (Docker) different from hypervisor virtualization (vSphere)? What are the benefits?", ["Containers", "Hypervisor", "Virtualization"], "compare"),
 ]),
 ("https://deveshit.blogspot.com/", "blog", [
   ("What's the difference between Type 1 and Type 2 hypervisors used in OS virtualization?", ["Hypervisor"], "compare"),
 ]),
 ("https://climbtheladder.com/service-mesh-interview-questions/", "interview", [
   ("What’s the difference between a service mesh and an API gateway?", ["Service Mesh", "API Gateway"], "compare"),
   ("Can you explain why service meshes are important in microservices architecture?", ["Service Mesh", "Microservices Architecture"], "why"),
 ]),
 ("https://www.scribd.com/document/920030284/Microservices-Interview-Questions-Answers", "interview", [
   ("What are microservices, and how do they differ from monolithic architecture?", ["Microservices Architecture", "Monolithic Apps"], "compare"),
   ("What is service discovery, and how is it implemented in a microservices architecture?", ["Service Discovery"], "how"),
   ("What are sidecars, and how are they used in microservice deployments?", ["Sidecar Container"], "how"),
 ]),
 ("https://www.javapedia.net/Microservices-Design-Patterns-Interview-Questions/5951", "interview", [
   ("What is the Service Mesh pattern and how do data-plane proxies such as Envoy implement it?", ["Service Mesh", "Service Proxy"], "how"),
 ]),
 ("https://www.vertitime.com/interviews/interview-questions-on-cloud", "interview", [
   ("What is Cloud Computing?", ["Cloud Computing"], "what"),
   ("What is edge computing?", ["Edge Computing"], "what"),
   ("What is Kubernetes?", ["Kubernetes"], "what"),
   ("What is multi-cloud?", [], "what"),
   ("What is hybrid cloud?", [], "what"),
   ("What is cloud bursting?", [], "what"),
 ]),
 ("https://www.scribd.com/document/920843878/Cloud-Computing", "interview", [
   ("What is IaaS?", ["Infrastructure as a Service (IaaS)"], "what"),
   ("What is multi-tenancy?", ["Multitenancy"], "what"),
   ("Define PaaS.", [], "what"),
   ("What does SaaS stand for?", [], "what"),
   ("Define elasticity in cloud computing.", [], "what"),
   ("What is disaster recovery?", [], "what"),
   ("What is data sovereignty?", [], "what"),
 ]),
 ("https://cubensquare.com/author/cubensquare", "interview", [
   ("What are the key benefits of using containerization in DevOps?", ["Containerization"], "why"),
   ("Explain continuous integration (CI) and continuous delivery (CD) in DevOps.", ["Continuous integration (CI)", "Continuous Delivery (CD)"], "description"),
   ("What is the purpose of configuration management tools in DevOps, and name some examples.", [], "why"),
 ]),
 ("https://remasto.com/questions_bank/question/define-the-term-immutable-infrastructure-and-its-importance-in-devops-F2GXApzLnD27rtGYlXF4", "interview", [
   ("Define the term \"Immutable Infrastructure\" and its importance in DevOps.", ["Immutable Infrastructure"], "what"),
 ]),
 ("https://www.withoutbook.com/Technology.php?page=5&tech=107", "interview", [
   ("How does Blue-Green Deployment contribute to high availability?", ["Blue Green Deployment"], "how"),
   ("What is the purpose of a Package Manager in DevOps?", [], "why"),
 ]),
 ("https://www.debug.school/rajesh_kumar/what-is-observability-34i7/comments", "course", [
   ("What is observability and hows its different from Monitoring?", ["Observability"], "compare"),
 ]),
 ("https://www.debug.school/hugosesa/4-how-devops-and-sre-are-different-nce", "course", [
   ("How DevOps and SRE are different?", ["DevOps", "Site Reliability Engineering"], "compare"),
 ]),
 ("https://levenx.com/en/issues/pagination-232", "forum", [
   ("How is GRPC different from REST?", ["gRPC"], "compare"),
 ]),
 ("https://techbaithak.com/interview-questions/system-design/what-is-idempotency-and-why-is-it-important", "interview", [
   ("What is idempotency and why is it important?", ["Idempotence"], "why"),
 ]),
 ("https://techbaithak.com/interview-questions/system-design/what-is-event-driven-architecture", "interview", [
   ("What is event-driven architecture?", ["Event-Driven Architecture"], "what"),
 ]),
]


def titles_stats():
    import yaml
    return set(yaml.safe_load(open(HERE / "jamovi-stats/source/glossary.yml", encoding="utf-8")))


def titles_cncf():
    import yaml
    out = set()
    for p in sorted((HERE / "cncf/source/content/en").glob("*.md")):
        text = p.read_text(encoding="utf-8")
        fm = yaml.safe_load(text.split("---")[1])
        fm = {k.lower(): v for k, v in fm.items()}
        out.add(str(fm["title"]).strip())
    return out


def build(name, pages, titles):
    # whole pages to splits: greedy on question count, keeping page counts about equal
    order = sorted(range(len(pages)), key=lambda i: -len(pages[i][2]))
    qcount = {"dev": 0, "test": 0}; pcount = {"dev": 0, "test": 0}; split_of = {}
    for i in order:
        n = len(pages[i][2])
        half = (len(pages) + 1) // 2
        cand = sorted(["dev", "test"], key=lambda s: (qcount[s], pcount[s]))
        s = cand[0] if pcount[cand[0]] < half else cand[1]
        split_of[i] = s; qcount[s] += n; pcount[s] += 1
    rows, seen = [], set()
    for i, (url, skind, qs) in enumerate(pages):
        for q, terms, kind in qs:
            rows.append(row(name, len(rows) + 1, q, terms, kind, url, skind, split_of[i], titles, seen))
    for number in sorted(int(path.stem.removeprefix("round")) for path in (HERE / name).glob("round[0-9]*.jsonl")):
        rows += later_round(number, name, titles, seen, len(rows))
    written = [r for r in rows if machine_written(r)]
    rows = [r for r in rows if not machine_written(r)]
    print(name, "left out as machine-written", len(written), "answerable", sum(r["answerable"] for r in written))
    with open(HERE / name / "questions.jsonl", "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    ans = [r for r in rows if r["answerable"]]
    ents = {t for r in ans for t in r["expected_terms"]}
    print(name, "total", len(rows), "answerable", len(ans), "uncovered", len(rows) - len(ans),
          "distinct entries", len(ents), "pages", len(pages),
          "dev q/pages", qcount["dev"], pcount["dev"], "test q/pages", qcount["test"], pcount["test"],
          "answerable dev/test", sum(r["split"] == "dev" for r in ans), sum(r["split"] == "test" for r in ans),
          "uncovered dev/test", sum(r["split"] == "dev" and not r["answerable"] for r in rows),
          sum(r["split"] == "test" and not r["answerable"] for r in rows))


def machine_written(item):
    address = re.sub(r"^https?://(?:www\.)?", "", item["source"].strip())
    return item["id"] in MACHINE_WRITTEN_IDS or address.startswith(MACHINE_WRITTEN)


def row(name, number, question, terms, kind, url, skind, split, titles, seen):
    """One question as written to questions.jsonl, checked: asked once, its expected terms real titles."""
    assert question not in seen, question
    seen.add(question)
    for t in terms:
        assert t in titles, (name, t)
    return {"id": f"{name}-{number:03d}", "question": question, "expected_terms": terms, "answerable": bool(terms),
            "kind": kind, "source": url, "source_kind": skind, "split": split}


def later_round(number, name, titles, seen, before):
    """round<N>.jsonl (collected later from new pages by another blind helper), with the second reader's drops and
    relabels from review_round<N>.jsonl applied: split test<N>."""
    reviews = {r["question"]: r for r in map(json.loads, open(HERE / name / f"review_round{number}.jsonl",
                                                              encoding="utf-8"))}
    rows = []
    for item in map(json.loads, open(HERE / name / f"round{number}.jsonl", encoding="utf-8")):
        review = reviews.pop(item["question"], {"action": "keep"})
        if review["action"] == "drop":
            continue
        if review["action"] == "relabel":
            item["expected_terms"] = review["expected_terms"]
        rows.append(row(name, before + len(rows) + 1, item["question"], item["expected_terms"], item["kind"],
                        item["source"], item["source_kind"], f"test{number}", titles, seen))
    assert not reviews, f"reviews of no question: {list(reviews)}"
    print(name, f"test{number}", len(rows), "answerable", sum(r["answerable"] for r in rows))
    return rows


if __name__ == "__main__":
    build("jamovi-stats", STATS, titles_stats())
    build("cncf", CNCF, titles_cncf())
